//! A small cast for the cases: Wuxi's divisions, users at each level, synthetic
//! ID numbers (never real ones) and changes built the way a station form would.

use domain::access::{Department, Role, User};
use domain::division::{DivisionCode, Hierarchy};
use domain::event::{Change, FactForm, ImportSummary, ResidenceForm, Source};
use domain::migrant::MigrantRule;
use domain::registry::{Housing, NewPerson, Record, RecordDetail, RecordId};
use domain::resident_id::{ResidentId, Sex};
use jiff::civil::{Date, date};
use store::{NewUser, Receipt, StoreError};

use super::harness::TestDb;

/// 产山社区, 河埒街道, 滨湖区.
pub const BINHU: &str = "320211001003";
/// 惠河社区, the next community of the same street.
pub const BINHU_2: &str = "320211001004";
/// 胜利门社区, 梁溪区 (valid from 2015-10-29).
pub const LIANGXI: &str = "320213021001";

pub fn code(text: &str) -> DivisionCode {
    text.parse().unwrap()
}

/// The users of the cases.
pub struct Cast {
    /// Station staff of [`BINHU`].
    pub station: User,
    /// Station staff of [`LIANGXI`].
    pub station_liangxi: User,
    /// An officer of 滨湖区 (320211).
    pub officer_binhu: User,
    /// An officer of the city (3202).
    pub officer_city: User,
    /// A leader of the city: figures, no person records.
    pub leader: User,
}

/// A user of `role` working in `unit`.
pub fn user(db: &TestDb, login: &str, role: Role, unit: &str) -> User {
    db.create_user(NewUser {
        login: login.into(),
        name: format!("测试用户 {login}"),
        role,
        unit: code(unit),
        department: None,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
    })
    .unwrap()
}

/// Initialises Wuxi and adds the cast.
pub fn setup(db: &TestDb) -> Cast {
    db.initialise(Hierarchy::wuxi(), &MigrantRule::new(code("3202")))
        .unwrap();
    Cast {
        station: user(db, "station", Role::StationStaff, BINHU),
        station_liangxi: user(db, "station-lx", Role::StationStaff, LIANGXI),
        officer_binhu: user(db, "officer-binhu", Role::Officer, "320211"),
        officer_city: user(db, "officer-city", Role::Officer, "3202"),
        leader: user(db, "leader", Role::Leader, "3202"),
    }
}

/// A synthetic ID of someone born in Wuhan (江岸区, 420102): a migrant in Wuxi.
pub fn id(n: u32) -> ResidentId {
    let birth = date(1960, 1, 1)
        .checked_add(jiff::Span::new().days(i64::from(n / 1000)))
        .unwrap();
    ResidentId::synthesize(
        420102,
        birth,
        (n % 1000) as u16,
        [Sex::Female, Sex::Male][(n % 2) as usize],
    )
}

/// Living in an own home in `village`.
pub fn own_home(village: &str) -> ResidenceForm {
    ResidenceForm {
        housing: Housing::OwnHome,
        unit: code(village),
        place: None,
    }
}

/// A registration form.
pub fn registration(
    id: ResidentId,
    name: &str,
    village: &str,
    on: Date,
    facts: Vec<FactForm>,
) -> Change {
    Change::Register {
        person: NewPerson {
            resident_id: id,
            name: name.into(),
        },
        on,
        residence: own_home(village),
        facts,
    }
}

/// Registers a person with no other facts.
pub fn register(
    db: &TestDb,
    actor: &User,
    id: ResidentId,
    name: &str,
    village: &str,
    on: Date,
) -> Result<Receipt, StoreError> {
    db.submit(
        actor,
        Source::Station,
        registration(id, name, village, on, vec![]),
    )
}

/// Saves a new employer in `village`; its number.
pub fn employer(db: &TestDb, actor: &User, name: &str, village: &str) -> RecordId {
    let record = Record {
        id: 0,
        name: name.into(),
        unit: code(village),
        from: date(2000, 1, 1),
        to: None,
        detail: RecordDetail::Employer {
            union_since: None,
            letter_signed_on: None,
        },
    };
    db.submit(actor, Source::Station, Change::SaveRecord { record })
        .unwrap()
        .record
        .unwrap()
}

/// The refusal inside a store error, for snapshots.
pub fn refusal(error: StoreError) -> domain::message::FieldError {
    match error {
        StoreError::Refused(error) | StoreError::Forbidden(error) => error,
        other => panic!("expected a refusal, but found {other:?}"),
    }
}

/// The summary of a police run over `公安.csv` (SHA-256 `ab` 32 times) that
/// added all its `rows`: what a test changes of it, it gives with `..`.
pub fn police_run(rows: u64) -> ImportSummary {
    ImportSummary {
        department: Department::PublicSecurity,
        file: "公安.csv".into(),
        sha256: "ab".repeat(32),
        rows,
        added: rows,
        already: 0,
        refused: 0,
        committed: true,
        dry_run: false,
        valid_rows_only: false,
        ended: 0,
        corrected: 0,
        moved: 0,
    }
}
