//! 导出 — writes the registry as the oracle's flat CSV files (one per table of
//! `schema`), streaming: records, persons with their facts, and reported values as
//! they come (from `Store::scan` or the demo generator), then the unit tree as of
//! each date to be asked about. A test and benchmark tool, not the departments'
//! exchange format.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;

use domain::division::{CodeLevel, Hierarchy};
use domain::registry::{Fact, FactKind, Person, Record, RecordDetail};
use domain::reported_value::ReportedValue;
use jiff::civil::Date;

use super::schema::{self, Table, word};

type Writer = csv::Writer<BufWriter<File>>;

/// Open CSV files being written.
pub struct Export {
    persons: Writer,
    facts: Writer,
    records: Writer,
    trainings: Writer,
    values: Writer,
    unit_tree: Writer,
    unit_standing: Writer,
}

fn open(dir: &Path, table: Table) -> io::Result<Writer> {
    let file = File::create(dir.join(format!("{}.csv", table.name)))?;
    let mut writer = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, file));
    writer.write_record(table.column_names())?;
    Ok(writer)
}

fn text(value: Option<impl ToString>) -> String {
    value.map_or_else(String::new, |v| v.to_string())
}

impl Export {
    /// Creates the files in `dir` (which must exist), each with its header.
    pub fn create(dir: &Path) -> io::Result<Export> {
        Ok(Export {
            persons: open(dir, schema::PERSONS)?,
            facts: open(dir, schema::FACTS)?,
            records: open(dir, schema::RECORDS)?,
            trainings: open(dir, schema::TRAININGS)?,
            values: open(dir, schema::REPORTED_VALUES)?,
            unit_tree: open(dir, schema::UNIT_TREE)?,
            unit_standing: open(dir, schema::UNIT_STANDING)?,
        })
    }

    /// Writes a record (and a staff member's training days).
    pub fn record(&mut self, record: &Record) -> io::Result<()> {
        let mut row: [String; 16] = Default::default();
        row[0] = record.id.to_string();
        row[1] = record.detail.kind().to_string();
        row[2] = record.unit.as_u64().to_string();
        row[3] = record.from.to_string();
        row[4] = text(record.to);
        match &record.detail {
            RecordDetail::Employer {
                union_since,
                letter_signed_on,
            } => {
                row[5] = text(*letter_signed_on);
                row[6] = text(*union_since);
            }
            RecordDetail::Landlord { letter_signed_on }
            | RecordDetail::Agency { letter_signed_on } => row[5] = text(*letter_signed_on),
            RecordDetail::RentalHouse {
                registered_on,
                entrusted_from,
                entrusted_to,
                ..
            } => {
                row[7] = text(*registered_on);
                row[8] = text(*entrusted_from);
                row[9] = text(*entrusted_to);
            }
            RecordDetail::ConcentratedZone { area_m2, capacity } => {
                row[10] = area_m2.to_string();
                row[11] = capacity.to_string();
            }
            RecordDetail::Settlement {
                migrants,
                mediation_since,
            } => {
                row[12] = migrants.to_string();
                row[13] = text(*mediation_since);
            }
            RecordDetail::Staff {
                role,
                is_migrant,
                trained_on,
            } => {
                row[14] = word(role);
                row[15] = i32::from(*is_migrant).to_string();
                for day in trained_on {
                    self.trainings
                        .write_record([record.id.to_string(), day.to_string()])?;
                }
            }
            RecordDetail::Hotel
            | RecordDetail::MigrantChildrenSchool
            | RecordDetail::NewCitizenOrganisation => {}
        }
        self.records.write_record(&row)?;
        Ok(())
    }

    /// Writes a person and every one of their facts.
    pub fn person(&mut self, person: &Person, facts: &[Fact]) -> io::Result<()> {
        self.persons.write_record([
            person.id.to_string(),
            word(&person.sex),
            person.birth_date.to_string(),
            text(person.left_on),
        ])?;
        for fact in facts {
            let mut row: [String; 11] = Default::default();
            row[0] = fact.id.to_string();
            row[1] = fact.person.to_string();
            row[2] = fact.kind.name().to_string();
            row[3] = fact.from.to_string();
            row[4] = text(fact.to);
            match &fact.kind {
                FactKind::Residence { housing, unit, .. } => {
                    row[5] = unit.as_u64().to_string();
                    row[6] = word(housing);
                }
                FactKind::Insurance { scheme } => row[7] = word(scheme),
                FactKind::Schooling { school } => row[8] = word(school),
                FactKind::Employment {
                    employer,
                    monthly_wage_fen,
                } => {
                    row[9] = employer.to_string();
                    row[10] = monthly_wage_fen.to_string();
                }
                FactKind::LabourContract { employer } => row[9] = employer.to_string(),
                _ => {}
            }
            self.facts.write_record(&row)?;
        }
        Ok(())
    }

    /// Writes a reported value.
    pub fn value(&mut self, value: &ReportedValue) -> io::Result<()> {
        self.values.write_record([
            value.unit.as_u64().to_string(),
            value.name.clone(),
            value.from.to_string(),
            value.to.to_string(),
            value.value.to_string(),
        ])?;
        Ok(())
    }

    /// Writes the unit tree of `hierarchy` as of each of `dates` and closes the files.
    pub fn finish(mut self, hierarchy: &Hierarchy, dates: &[Date]) -> io::Result<()> {
        for &date in dates {
            for unit in hierarchy.units() {
                let standing = hierarchy.current_successor(unit.code, date);
                if hierarchy.valid_on(standing, date) {
                    self.unit_standing.write_record([
                        date.to_string(),
                        unit.code.as_u64().to_string(),
                        standing.as_u64().to_string(),
                    ])?;
                }
                if !hierarchy.valid_on(unit.code, date) {
                    continue;
                }
                let level = match unit.code.level() {
                    CodeLevel::Town => "town",
                    _ => "other",
                };
                for ancestor in hierarchy.path(unit.code) {
                    self.unit_tree.write_record([
                        date.to_string(),
                        unit.code.as_u64().to_string(),
                        ancestor.code.as_u64().to_string(),
                        level.to_string(),
                    ])?;
                }
            }
        }
        for writer in [
            &mut self.persons,
            &mut self.facts,
            &mut self.records,
            &mut self.trainings,
            &mut self.values,
            &mut self.unit_tree,
            &mut self.unit_standing,
        ] {
            writer.flush()?;
        }
        Ok(())
    }
}
