//! 翻页 — the links between the pages of a long list (search hits, records): plain
//! links that carry where the next page starts, so that paging needs no script.

use maud::{Markup, html};

use super::catalogue::{Lang, Msg};

/// `pairs` as a URL's query, each value percent-encoded.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// A link back to the first page (when this is a later one) and one to the next
/// page (when there is one).
pub fn pager(lang: Lang, first: Option<String>, next: Option<String>) -> Markup {
    html! {
        @if first.is_some() || next.is_some() {
            nav.pager {
                @if let Some(first) = first { a rel="first" href=(first) { (Msg::FirstPage.in_(lang)) } }
                @if let Some(next) = next { a rel="next" href=(next) { (Msg::NextPage.in_(lang)) } }
            }
        }
    }
}
