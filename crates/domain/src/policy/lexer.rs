//! 词法 — splits an expression of the policy language into tokens: names, numbers
//! (`15`, `2.5`) and punctuation, each with its byte offsets in the expression.

use super::error::{Fault, quoted};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok<'s> {
    /// `[A-Za-z_][A-Za-z0-9_]*`: a keyword or a name.
    Word(&'s str),
    /// Digits, optionally `.` and digits.
    Number(&'s str),
    /// One of [`PUNCTUATION`].
    Punct(&'static str),
    /// After the last token.
    End,
}

/// A token and where it is: `at..end` in the expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Token<'s> {
    pub tok: Tok<'s>,
    pub at: usize,
    pub end: usize,
}

impl Token<'_> {
    /// How a message names this token: `` `and` `` or "the end of the expression".
    pub fn describe(&self) -> (String, String) {
        match self.tok {
            Tok::Word(s) | Tok::Number(s) => quoted(s),
            Tok::Punct(p) => quoted(p),
            Tok::End => (
                "表达式结尾".to_owned(),
                "the end of the expression".to_owned(),
            ),
        }
    }
}

/// Longest first, so that `<=` is not read as `<` and `=`.
const PUNCTUATION: &[&str] = &[
    "..", "!=", "<=", ">=", "(", ")", ":", ",", ".", "+", "-", "*", "/", "=", "<", ">",
];

/// The tokens of `text`, ending with [`Tok::End`].
pub(super) fn lex(text: &str) -> Result<Vec<Token<'_>>, Fault> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let c = text[at..].chars().next().expect("inside the text");
        let start = at;
        let tok = if c.is_whitespace() {
            at += c.len_utf8();
            continue;
        } else if c.is_ascii_alphabetic() || c == '_' {
            while at < text.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_') {
                at += 1;
            }
            Tok::Word(&text[start..at])
        } else if c.is_ascii_digit() {
            let digits = |mut i: usize| {
                while i < text.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                i
            };
            at = digits(at);
            if bytes.get(at) == Some(&b'.') && bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
                at = digits(at + 1);
            }
            Tok::Number(&text[start..at])
        } else if let Some(p) = PUNCTUATION.iter().find(|p| text[at..].starts_with(**p)) {
            at += p.len();
            Tok::Punct(p)
        } else {
            let found = quoted(&text[start..start + c.len_utf8()]);
            return Err(Fault::expected(
                start,
                ("名称、数字或运算符", "a name, a number or an operator"),
                (&found.0, &found.1),
            ));
        };
        tokens.push(Token {
            tok,
            at: start,
            end: at,
        });
    }
    tokens.push(Token {
        tok: Tok::End,
        at: text.len(),
        end: text.len(),
    });
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok<'_>> {
        lex(text).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn tokens() {
        assert_eq!(
            toks("age in 6..15"),
            [
                Tok::Word("age"),
                Tok::Word("in"),
                Tok::Number("6"),
                Tok::Punct(".."),
                Tok::Number("15"),
                Tok::End
            ]
        );
        assert_eq!(
            toks("x/2.5>=1"),
            [
                Tok::Word("x"),
                Tok::Punct("/"),
                Tok::Number("2.5"),
                Tok::Punct(">="),
                Tok::Number("1"),
                Tok::End
            ]
        );
        assert_eq!(lex("a # b").unwrap_err().at, 2);
        assert_eq!(
            lex("a 中").unwrap_err().message.en,
            "expected a name, a number or an operator, but found `中`"
        );
    }
}
