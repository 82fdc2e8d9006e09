//! ADX — the IHE Aggregate Data Exchange profile's XML: one `group` per unit for
//! the day, one `dataValue` per indicator's numerator (`{ID}_NUM`) and denominator
//! (`{ID}_DEN`), org units and data elements by code. Suppressed or missing
//! figures are left out (ADX has no "suppressed").

use super::DATA_SET;
use super::table::IndicatorTable;

/// The table as an ADX document.
pub fn adx_xml(table: &IndicatorTable, exported: jiff::Timestamp) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<adx xmlns=\"urn:ihe:qrph:adx:2015\" exported=\"{exported}\">\n"
    ));
    let mut units: Vec<_> = table.rows.iter().map(|r| r.unit).collect();
    units.dedup();
    for unit in units {
        xml.push_str(&format!(
            "  <group orgUnit=\"{unit}\" period=\"{}/P1D\" dataSet=\"{DATA_SET}\">\n",
            table.as_of
        ));
        for row in table.rows.iter().filter(|r| r.unit == unit) {
            for (suffix, figure) in [("NUM", &row.numerator), ("DEN", &row.denominator)] {
                if let Some(value) = figure.number() {
                    xml.push_str(&format!(
                        "    <dataValue dataElement=\"{}_{suffix}\" value=\"{value}\"/>\n",
                        escape(&row.indicator)
                    ));
                }
            }
        }
        xml.push_str("  </group>\n");
    }
    xml.push_str("</adx>\n");
    xml
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
