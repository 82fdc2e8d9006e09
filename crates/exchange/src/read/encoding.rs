//! 编码 — the text encoding of a CSV file: UTF-8 (with or without a byte-order
//! mark), or GB18030, the superset of GBK and GB2312 that Excel uses when it saves
//! CSV in a Chinese locale. Named by the caller, or detected: text that is valid
//! UTF-8 is UTF-8, anything else is read as GB18030.

use std::borrow::Cow;
use std::str::FromStr;

use domain::message::FieldError;

/// A text encoding a department file may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// GB18030, which also reads GBK and GB2312.
    Gb18030,
}

impl FromStr for Encoding {
    type Err = FieldError;

    fn from_str(text: &str) -> Result<Self, FieldError> {
        match text.trim().to_ascii_lowercase().replace('-', "").as_str() {
            "utf8" => Ok(Encoding::Utf8),
            "gb18030" | "gbk" | "gb2312" => Ok(Encoding::Gb18030),
            _ => Err(FieldError::new(
                "encoding",
                format!("编码应为 utf-8、gb18030 或 gbk，实为“{text}”"),
                format!("expected utf-8, gb18030 or gbk as the encoding, but found {text:?}"),
            )),
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text of `bytes` in the `named` encoding, or the detected one: UTF-8
/// text is borrowed, checked once.
pub fn decode(
    bytes: &[u8],
    named: Option<Encoding>,
) -> Result<(Cow<'_, str>, Encoding), FieldError> {
    let body = bytes.strip_prefix(BOM);
    let utf8 = std::str::from_utf8(body.unwrap_or(bytes));
    let encoding = match (named, body, &utf8) {
        (Some(named), _, _) => named,
        (None, Some(_), _) | (None, None, Ok(_)) => Encoding::Utf8,
        (None, None, Err(_)) => Encoding::Gb18030,
    };
    let text = match encoding {
        Encoding::Utf8 => Cow::Borrowed(
            utf8.map_err(|error| not_utf8(body.unwrap_or(bytes), error.valid_up_to()))?,
        ),
        Encoding::Gb18030 => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or_else(not_gb18030)?,
    };
    Ok((text, encoding))
}

fn not_utf8(body: &[u8], valid_up_to: usize) -> FieldError {
    let line = body[..valid_up_to].iter().filter(|b| **b == b'\n').count() + 1;
    FieldError::new(
        "file",
        format!("文件第 {line} 行不是有效的 UTF-8 编码；若由 Excel 另存，请选 gb18030 编码"),
        format!(
            "expected UTF-8 text, but line {line} is not valid UTF-8 (a file saved by Excel in a Chinese locale is gb18030)"
        ),
    )
}

fn not_gb18030() -> FieldError {
    FieldError::new(
        "file",
        "文件既不是 UTF-8 也不是 GB18030（GBK）编码的文本",
        "expected text in UTF-8 or GB18030 (GBK), but found neither",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_and_gbk_are_told_apart() {
        let text = "姓名,身份证号\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let with_bom = [BOM, text.as_bytes()].concat();
        assert_eq!(
            decode(text.as_bytes(), None).unwrap(),
            (text.into(), Encoding::Utf8)
        );
        assert_eq!(
            decode(&with_bom, None).unwrap(),
            (text.into(), Encoding::Utf8)
        );
        assert_eq!(
            decode(&gbk, None).unwrap(),
            (text.into(), Encoding::Gb18030)
        );
        assert_eq!(decode(&gbk, Some(Encoding::Gb18030)).unwrap().0, text);
    }

    #[test]
    fn gbk_named_as_utf8_is_refused_with_its_line() {
        let (gbk, _, _) = encoding_rs::GBK.encode("a,b\n姓名\n");
        let error = decode(&gbk, Some(Encoding::Utf8)).unwrap_err();
        assert!(error.message.en.contains("line 2"), "{error}");
    }

    #[test]
    fn encodings_are_named_loosely() {
        assert_eq!("UTF-8".parse::<Encoding>().unwrap(), Encoding::Utf8);
        assert_eq!("GBK".parse::<Encoding>().unwrap(), Encoding::Gb18030);
        assert!("latin1".parse::<Encoding>().is_err());
    }
}
