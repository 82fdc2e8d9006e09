//! 字体 — the CJK font the PDF card embeds a subset of: a TrueType or OpenType file
//! (or the first font of a collection, `.ttc`), read once, named by a setting.

use std::path::{Path, PathBuf};

use crate::CardError;

/// The setting that names the font file.
pub const FONT_VARIABLE: &str = "ANJU_CARD_FONT";

/// Where the font is looked for without the setting: Debian's WenQuanYi Zen Hei
/// (package `fonts-wqy-zenhei`), which has every character of names and labels.
pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";

/// The font file named by [`FONT_VARIABLE`], else [`DEFAULT_FONT`].
pub fn font_path() -> PathBuf {
    std::env::var_os(FONT_VARIABLE)
        .filter(|path| !path.is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_FONT), PathBuf::from)
}

/// A font read from its file and checked to parse.
#[derive(Clone)]
pub struct CardFont {
    pub(crate) data: Vec<u8>,
    /// The font's index in a collection (0 for a single font).
    pub(crate) index: u32,
}

impl std::fmt::Debug for CardFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardFont")
            .field("bytes", &self.data.len())
            .field("index", &self.index)
            .finish()
    }
}

impl CardFont {
    /// Reads the font at `path` (the first of a collection).
    ///
    /// # Errors
    ///
    /// [`CardError::Font`] when the file cannot be read or is not a font.
    pub fn open(path: &Path) -> Result<CardFont, CardError> {
        let failed = |reason: String| CardError::Font {
            path: path.display().to_string(),
            reason,
        };
        let data = std::fs::read(path).map_err(|error| failed(error.to_string()))?;
        ttf_parser::Face::parse(&data, 0).map_err(|error| failed(error.to_string()))?;
        Ok(CardFont { data, index: 0 })
    }

    /// The parsed face.
    pub(crate) fn face(&self) -> ttf_parser::Face<'_> {
        ttf_parser::Face::parse(&self.data, self.index).expect("checked when opened")
    }
}
