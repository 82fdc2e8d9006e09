//! 生活 — the events of a migrant household's life in the city across the plan
//! years: arrival and registration, homes and moves, jobs and changes of employer,
//! contracts, insurance, union, training, schooling, vaccination, child and maternal
//! care, family planning, legal education, TB, departure and now and then a return.
//!
//! Each life is a list of dated steps; they are put in order and passed to the
//! [`Ledger`] as changes ([`domain::event::Change`]), which derives every row
//! through the planner. Dates where something is "got" come from the [`Curve`]s
//! of [`super::calibration`], so the shares follow the plan years' targets.

mod homes;
mod household;
mod permit;
mod run;
mod schooling;
mod steps;
mod work;

use anyhow::Result;
use domain::division::DivisionCode;
use rand_chacha::ChaCha8Rng;

use super::calibration::{Curve, Measure};
use super::ledger::Ledger;
use super::people::{HouseholdMaker, IdAllocator, Names, Origins};
use super::places::{self, City, Headcount, Places, RentalMarket};
use super::seeded;

/// Everything a life is lived among.
pub struct World<'a> {
    pub city: &'a City,
    pub places: &'a Places,
    pub names: &'a Names,
    pub origins: &'a Origins,
}

/// The village's counter of temporary residence permits.
pub struct Village<'w, 'a> {
    world: &'w World<'a>,
    v: usize,
    market: RentalMarket,
    permits: u32,
    headcount: Headcount,
    /// The draws of residence permit steps: a stream of their own, so that the
    /// rest of the city is what it was before the demo issued permits.
    permit_rng: ChaCha8Rng,
}

/// Lives the lives of village `v`'s persons (its quota), then adds the village's
/// settlements and staff. Returns who is there today.
pub fn live_village(
    ledger: &mut Ledger,
    world: &World,
    v: usize,
    seed: u64,
    ids: &mut IdAllocator,
) -> Result<Headcount> {
    let mut rng = seeded(seed, 3, v as u64);
    let mut village = Village {
        world,
        v,
        market: RentalMarket {
            village: v,
            ..RentalMarket::default()
        },
        permits: 0,
        headcount: Headcount::default(),
        permit_rng: seeded(seed, 7, v as u64),
    };
    let maker = HouseholdMaker {
        origins: world.origins,
        names: world.names,
    };
    let mut remaining = world.city.villages[v].quota as usize;
    while remaining > 0 {
        let household = maker.make(remaining, &mut rng);
        remaining -= household.members.len();
        village.live(ledger, household, &mut rng, ids)?;
    }
    let head = village.headcount;
    let mut made = places::settlements(world.city, v, head, &mut rng, &mut || {
        ledger.next_record_id()
    });
    made.extend(places::staff(
        world.city,
        v,
        head,
        world.names,
        &mut rng,
        &mut || ledger.next_record_id(),
    ));
    for (entered, record) in made {
        ledger.save_record(entered, record)?;
    }
    Ok(head)
}

impl Village<'_, '_> {
    pub(super) fn curve(&self, measure: Measure) -> Curve {
        self.world.city.curve(self.v, measure)
    }

    pub(super) fn code(&self) -> DivisionCode {
        self.world.city.villages[self.v].code
    }

    pub(super) fn permit_number(&mut self) -> String {
        self.permits += 1;
        format!("ZZ{}-{:05}", self.code(), self.permits)
    }
}
