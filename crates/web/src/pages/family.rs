//! 家庭关系 — a person's family on their page: the spouse, parents and children the
//! registry links them to, and the form that links another registered person
//! (found by ID number or by number) as one of those. Each link is one
//! `LinkFamily` event through the event path; the planner checks both persons.

use domain::event::Change;
use domain::registry::{FamilyLink, PersonId, Relation};
use domain::resident_id::ResidentId;
use maud::{Markup, html};
use store::PersonSummary;

use super::catalogue::{Lang, Msg};
use super::forms::{self, Filled};
use super::session::{Fields, Viewer};
use crate::App;
use crate::error::{ApiError, Code};

/// The form's fields.
pub const FIELDS: [&str; 2] = ["relation", "relative"];

/// How `link` relates its other person to `me`.
fn relation_seen_from(me: PersonId, link: &FamilyLink) -> Msg {
    match link.relation {
        Relation::Spouse => Msg::Spouse,
        Relation::Parent if link.person == me => Msg::Parent,
        Relation::Parent => Msg::Child,
    }
}

/// The links of person `me`, each as [`relative`] gives it.
pub fn list(me: PersonId, links: &[FamilyLink], relatives: &[PersonSummary], lang: Lang) -> Markup {
    html! {
        @if links.is_empty() {
            p.hint { (Msg::NoFamily.in_(lang)) }
        } @else {
            ul.family {
                @for link in links {
                    li { (relative(me, link, relatives, lang)) }
                }
            }
        }
    }
}

/// The other person of `link`, seen from `me`: how they are related and a link
/// to their page, named when the viewer may read them (they are among
/// `relatives`, read for `me`'s page) and by number otherwise, e.g.
/// `子女：李小妹 #12`.
pub fn relative(
    me: PersonId,
    link: &FamilyLink,
    relatives: &[PersonSummary],
    lang: Lang,
) -> Markup {
    let other = link.other(me);
    let name = relatives.iter().find(|relative| relative.id == other);
    html! {
        (relation_seen_from(me, link).in_(lang)) "："
        a href={ "/persons/" (other) } {
            @if let Some(relative) = name { (relative.name) " " }
            "#" (other)
        }
    }
}

/// The inputs of the form: the relation and the relative.
pub fn inputs(filled: &Filled, lang: Lang) -> Markup {
    let relations = [
        ("spouse", Msg::Spouse),
        ("child", Msg::Child),
        ("parent", Msg::Parent),
    ]
    .map(|(value, label)| (value.to_owned(), label.in_(lang).to_owned()));
    html! {
        (forms::select(filled, lang, Msg::Relation, "relation", &relations))
        (forms::input(filled, lang, Msg::RelativeHint, "relative", "text", ""))
    }
}

fn not_found(text: &str) -> ApiError {
    ApiError::new(
        Code::InvalidField,
        Some("relative"),
        format!("管辖范围内没有公民身份号码或编号为“{text}”的人员"),
        format!("expected the ID number or number of a person in your area, but found {text:?}"),
    )
}

/// The link the form asks for between `me` and the relative it names (an ID
/// number, looked up in the user's area, or a person's number).
pub async fn change(
    app: &App,
    viewer: &Viewer,
    me: PersonId,
    fields: &Fields,
) -> Result<Change, ApiError> {
    let text = fields.text("relative").to_owned();
    let relative = if let Ok(id) = ResidentId::parse(&text) {
        let user = viewer.user.clone();
        app.run(move |store| store.find_by_resident_id(&user, &id))
            .await?
            .map(|hit| hit.id)
    } else {
        text.parse::<PersonId>().ok().filter(|id| *id > 0)
    }
    .ok_or_else(|| not_found(&text))?;
    let link = match fields.text("relation") {
        "spouse" => FamilyLink {
            person: me,
            relative,
            relation: Relation::Spouse,
        },
        "parent" => FamilyLink {
            person: me,
            relative,
            relation: Relation::Parent,
        },
        "child" => FamilyLink {
            person: relative,
            relative: me,
            relation: Relation::Parent,
        },
        other => {
            return Err(ApiError::new(
                Code::InvalidField,
                Some("relation"),
                "请选择关系：配偶、子女或父母",
                format!("expected a relation (spouse, child or parent), but found {other:?}"),
            ));
        }
    };
    Ok(Change::LinkFamily { link })
}
