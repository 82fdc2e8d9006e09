//! DHIS2 — a `dataValueSets` JSON document, as `POST /api/dataValueSets` of a DHIS2
//! takes it with `dataElementIdScheme=CODE&orgUnitIdScheme=CODE`: one data value per
//! indicator's numerator (`{ID}_NUM`) and denominator (`{ID}_DEN`) and unit, for the
//! day (`YYYYMMDD`). Suppressed or missing figures are left out.

use serde_json::{Value, json};

use super::DATA_SET;
use super::table::IndicatorTable;

/// The table as a DHIS2 data value set.
pub fn data_value_set(table: &IndicatorTable) -> Value {
    let period = table.as_of.strftime("%Y%m%d").to_string();
    let values: Vec<Value> = table
        .rows
        .iter()
        .flat_map(|row| {
            [("NUM", &row.numerator), ("DEN", &row.denominator)]
                .into_iter()
                .filter_map(|(suffix, figure)| {
                    figure.number().map(|value| {
                        json!({
                            "dataElement": format!("{}_{suffix}", row.indicator),
                            "period": period,
                            "orgUnit": row.unit.to_string(),
                            "value": super::table::Figure::Number(value).text(),
                        })
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect();
    json!({ "dataSet": DATA_SET, "period": period, "dataValues": values })
}
