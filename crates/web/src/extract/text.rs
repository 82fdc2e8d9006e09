//! 文本值 — a value that the domain reads from text (a date, an ID number, a division
//! code) inside a request body.
//!
//! Serde only checks that such a value is a string. The handler then parses it with
//! [`Text::parse`], giving the field's JSON path (e.g. `residence.unit`), and the
//! domain's reason — a [`Message`] in both languages — becomes the answer as it is.
//! The reason never travels through serde's error text, so nothing has to be read
//! back out of a message.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use domain::Date;
use domain::division::DivisionCode;
use domain::message::{FieldError, Message};
use domain::resident_id::ResidentId;
use serde::{Deserialize, Deserializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{PartialSchema, ToSchema};

use super::params::parse_date;
use super::reasons::{REASON_LIMIT, clip_to};
use crate::error::{ApiError, Code};

/// A value the domain parses from text.
pub trait FromText: Sized {
    /// The value, or why the text is not one (in both languages).
    fn from_text(text: &str) -> Result<Self, Message>;

    /// The name of the text's schema among the document's components.
    fn schema_name() -> Cow<'static, str>;

    /// The text's schema.
    fn text_schema() -> RefOr<Schema>;
}

impl FromText for Date {
    /// A date written `YYYY-MM-DD` that exists in the calendar.
    fn from_text(text: &str) -> Result<Date, Message> {
        parse_date(text)
    }

    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Date")
    }

    fn text_schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .description(Some("A civil date YYYY-MM-DD that exists in the calendar."))
            .examples([serde_json::json!("2024-03-01")])
            .into()
    }
}

impl FromText for ResidentId {
    fn from_text(text: &str) -> Result<ResidentId, Message> {
        ResidentId::parse(text).map_err(|error| error.message())
    }

    fn schema_name() -> Cow<'static, str> {
        <ResidentId as ToSchema>::name()
    }

    fn text_schema() -> RefOr<Schema> {
        <ResidentId as PartialSchema>::schema()
    }
}

impl FromText for DivisionCode {
    fn from_text(text: &str) -> Result<DivisionCode, Message> {
        text.parse().map_err(|error: FieldError| error.message)
    }

    fn schema_name() -> Cow<'static, str> {
        <DivisionCode as ToSchema>::name()
    }

    fn text_schema() -> RefOr<Schema> {
        <DivisionCode as PartialSchema>::schema()
    }
}

/// The text of a `T` as the client sent it, parsed by [`Text::parse`].
pub struct Text<T> {
    text: String,
    value: PhantomData<fn() -> T>,
}

/// A date in a body, `YYYY-MM-DD`.
pub type DateText = Text<Date>;
/// A resident ID number in a body.
pub type IdText = Text<ResidentId>;
/// A division code in a body.
pub type CodeText = Text<DivisionCode>;

impl<T: FromText> Text<T> {
    /// The value; when the text is not one, a 422 naming `field` (the value's JSON
    /// path, e.g. `facts[0].from`) with the domain's reason (cut short if it
    /// repeats a huge text).
    pub fn parse(&self, field: &str) -> Result<T, ApiError> {
        T::from_text(&self.text).map_err(|reason| ApiError {
            code: Code::InvalidField,
            field: Some(field.to_owned()),
            message: Message::new(
                clip_to(&reason.zh, REASON_LIMIT),
                clip_to(&reason.en, REASON_LIMIT),
            ),
        })
    }

    /// [`Text::parse`] of an optional value.
    pub fn parse_optional(text: Option<&Self>, field: &str) -> Result<Option<T>, ApiError> {
        text.map(|text| text.parse(field)).transpose()
    }
}

impl<T> From<&str> for Text<T> {
    fn from(text: &str) -> Self {
        Text {
            text: text.to_owned(),
            value: PhantomData,
        }
    }
}

impl<T> Clone for Text<T> {
    fn clone(&self) -> Self {
        self.text.as_str().into()
    }
}

impl<T> fmt::Debug for Text<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl<'de, T> Deserialize<'de> for Text<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| Text {
            text,
            value: PhantomData,
        })
    }
}

impl<T: FromText> PartialSchema for Text<T> {
    fn schema() -> RefOr<Schema> {
        T::text_schema()
    }
}

impl<T: FromText> ToSchema for Text<T> {
    fn name() -> Cow<'static, str> {
        T::schema_name()
    }
}

/// `name` inside the value at JSON path `at` (`""` for the body itself).
pub fn field(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_owned()
    } else {
        format!("{at}.{name}")
    }
}
