//! 出租房 — a village's rental houses and their landlords, made as households need
//! them.

use domain::registry::{Record, RecordDetail, RecordId};
use domain::resident_id::Sex;
use rand::Rng;

use super::records::entered;
use super::{City, short_name};
use crate::demo::calibration::{Day, Measure, TODAY, date, day, ymd};
use crate::demo::people::Names;

/// The rental houses of one village and their landlords, made as households need them.
#[derive(Debug, Default)]
pub struct RentalMarket {
    /// The village (index into [`City::villages`]).
    pub village: usize,
    /// (record index in the ledger's local list, first day let, free places).
    pub houses: Vec<(RecordId, Day, u32)>,
    /// (landlord id, entered on).
    pub landlords: Vec<(RecordId, Day)>,
    pub next_number: u32,
}

/// A rental house (and maybe a new landlord) to be saved before a household moves in.
pub struct NewHouse {
    pub landlord: Option<(Day, Record)>,
    pub house: (Day, Record),
}

impl RentalMarket {
    /// A house with room for `size` persons on day `on`: an existing one now and
    /// then, else a new one (`next_id` gives record ids). Returns its id and the
    /// records to save, if new.
    pub fn find(
        &mut self,
        city: &City,
        size: u32,
        on: Day,
        names: &Names,
        rng: &mut impl Rng,
        next_id: &mut impl FnMut() -> RecordId,
    ) -> (RecordId, Option<NewHouse>) {
        let v = self.village;
        if rng.r#gen::<f64>() < 0.75 {
            let n = self.houses.len();
            for k in 0..n.min(6) {
                let i = n - 1 - ((k * 7 + rng.gen_range(0..3)) % n);
                let (id, from, free) = &mut self.houses[i];
                if *from <= on && *free >= size {
                    *free -= size;
                    return (*id, None);
                }
            }
        }
        let village = &city.villages[v];
        let from = (on - rng.gen_range(0..900)).max(ymd(2012, 1, 1));
        let house_entered = entered(from).min(on);
        let landlord = match self.landlords.last() {
            Some(&(id, landlord_entered))
                if landlord_entered <= house_entered && rng.r#gen::<f64>() < 0.4 =>
            {
                (id, None)
            }
            _ => {
                let id = next_id();
                let surname = ["钱", "顾", "华", "秦", "吴", "陆", "王", "周", "邹", "过"]
                    [rng.gen_range(0..10)];
                let sex = if rng.r#gen::<f64>() < 0.6 {
                    Sex::Male
                } else {
                    Sex::Female
                };
                let letter = city.curve(v, Measure::Letter).reached(
                    rng.r#gen(),
                    house_entered,
                    day(TODAY) + 1,
                );
                let record = Record {
                    id,
                    name: names.name(surname, sex, false, rng),
                    unit: village.code,
                    from: date(from),
                    to: None,
                    detail: RecordDetail::Landlord {
                        letter_signed_on: letter.map(date),
                    },
                };
                self.landlords.push((id, house_entered));
                (id, Some((house_entered, record)))
            }
        };
        self.next_number += 1;
        let id = next_id();
        let address = format!("{}{}号", short_name(&village.name), self.next_number);
        let registered = city.curve(v, Measure::RentalRegistered).reached(
            rng.r#gen(),
            house_entered,
            day(TODAY) + 1,
        );
        let entrusted =
            city.curve(v, Measure::Entrusted)
                .reached(rng.r#gen(), house_entered, day(TODAY) + 1);
        let record = Record {
            id,
            name: format!("出租房 {address}"),
            unit: village.code,
            from: date(from),
            to: None,
            detail: RecordDetail::RentalHouse {
                landlord: landlord.0,
                address,
                registered_on: registered.map(date),
                entrusted_from: entrusted.map(date),
                entrusted_to: None,
            },
        };
        let capacity = rng.gen_range(2..=12u32).max(size);
        self.houses.push((id, from, capacity - size));
        (
            id,
            Some(NewHouse {
                landlord: landlord.1,
                house: (house_entered, record),
            }),
        )
    }
}
