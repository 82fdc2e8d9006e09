//! 住所 — where a household lives: on arrival (a concentrated zone, an own home or
//! a rented house, saved with its landlord when new), after a move, or in an
//! employer's dormitory.

use anyhow::Result;
use domain::event::ResidenceForm;
use domain::registry::Housing;
use rand::Rng;

use super::Village;
use crate::demo::calibration::Day;
use crate::demo::ledger::Ledger;

impl Village<'_, '_> {
    pub(super) fn dorm(&self, e: usize) -> ResidenceForm {
        let employer = &self.world.places.employers[e];
        ResidenceForm {
            housing: Housing::EmployerDormitory,
            unit: self.world.city.villages[employer.village].code,
            place: Some(employer.id),
        }
    }

    /// An open zone among `zones` on `on`, newer ones more likely.
    pub(super) fn zone(
        &self,
        zones: &[usize],
        on: Day,
        rng: &mut impl Rng,
    ) -> Option<ResidenceForm> {
        let places = self.world.places;
        let open: Vec<usize> = zones
            .iter()
            .copied()
            .filter(|&z| places.zones[z].from <= on)
            .collect();
        if open.is_empty() {
            return None;
        }
        let pick = if rng.r#gen::<f64>() < 0.4 {
            *open
                .iter()
                .max_by_key(|&&z| (places.zones[z].from, z))
                .expect("not empty")
        } else {
            open[rng.gen_range(0..open.len())]
        };
        let zone = &places.zones[pick];
        Some(ResidenceForm {
            housing: Housing::ConcentratedZone,
            unit: self.world.city.villages[zone.village].code,
            place: Some(zone.id),
        })
    }

    /// A rented house in the village, saving it (and its landlord) when new.
    pub(super) fn rented(
        &mut self,
        ledger: &mut Ledger,
        size: u32,
        on: Day,
        rng: &mut impl Rng,
    ) -> Result<ResidenceForm> {
        let (id, new) = self.market.find(
            self.world.city,
            size,
            on,
            self.world.names,
            rng,
            &mut || ledger.next_record_id(),
        );
        if let Some(new) = new {
            if let Some((entered, landlord)) = new.landlord {
                ledger.save_record(entered, landlord)?;
            }
            ledger.save_record(new.house.0, new.house.1)?;
        }
        Ok(ResidenceForm {
            housing: Housing::RentedHouse,
            unit: self.code(),
            place: Some(id),
        })
    }

    /// Where a household settles on arrival.
    pub(super) fn first_home(
        &mut self,
        ledger: &mut Ledger,
        size: u32,
        family: bool,
        on: Day,
        rng: &mut impl Rng,
    ) -> Result<ResidenceForm> {
        let city = self.world.city;
        let village = &city.villages[self.v];
        let r: f64 = rng.r#gen();
        if r < village.concentrated_share {
            let own = &self.world.places.zones_by_village[self.v];
            let found = self.zone(own, on, rng).or_else(|| {
                (rng.r#gen::<f64>() < 0.3)
                    .then(|| self.zone(&self.world.places.zones_by_town[village.town], on, rng))
                    .flatten()
            });
            if let Some(form) = found {
                return Ok(form);
            }
        } else if r < village.concentrated_share + if family { 0.09 } else { 0.04 } {
            return Ok(ResidenceForm {
                housing: Housing::OwnHome,
                unit: self.code(),
                place: None,
            });
        }
        self.rented(ledger, size, on, rng)
    }

    /// Where a household moves to.
    pub(super) fn next_home(
        &mut self,
        ledger: &mut Ledger,
        size: u32,
        on: Day,
        rng: &mut impl Rng,
    ) -> Result<ResidenceForm> {
        let city = self.world.city;
        let places = self.world.places;
        let village = &city.villages[self.v];
        let r: f64 = rng.r#gen();
        if r < 0.55 {
            return self.rented(ledger, size, on, rng);
        }
        if r < 0.75 {
            if let Some(form) = self.zone(&places.zones_by_town[village.town], on, rng) {
                return Ok(form);
            }
            return self.rented(ledger, size, on, rng);
        }
        if r < 0.85 {
            return Ok(ResidenceForm {
                housing: Housing::OwnHome,
                unit: self.code(),
                place: None,
            });
        }
        // Elsewhere in the district.
        let towns = &city.districts[village.district].towns;
        let town = &city.towns[towns[rng.gen_range(0..towns.len())]];
        if town.villages.is_empty() {
            return self.rented(ledger, size, on, rng);
        }
        let other = town.villages[rng.gen_range(0..town.villages.len())];
        if let Some(form) = self.zone(&places.zones_by_village[other], on, rng) {
            return Ok(form);
        }
        Ok(ResidenceForm {
            housing: Housing::OwnHome,
            unit: city.villages[other].code,
            place: None,
        })
    }
}
