//! 逗号分隔文本 — decoded CSV text as rows of cells, each with its line number:
//! the first records, for the header, then the body below it read in pieces on
//! every core: the text is cut only after a line break that no quoted cell
//! spans, so every piece holds whole records. Cells are separated by commas,
//! or by tabs in a text whose first lines have more tabs than commas (what
//! many systems export as a "text file").

use std::borrow::Cow;

use csv::StringRecord;
use domain::message::FieldError;
use rayon::prelude::*;

use super::{has_text, trim};

/// Pieces per core: enough that a core that finishes early takes another.
const PIECES_PER_CORE: usize = 4;

/// Texts shorter than this are read in one piece.
const SMALL: usize = 1 << 20;

/// Lines whose separators decide between commas and tabs.
const SNIFFED_LINES: usize = 10;

/// A tab when the first lines of `text` have more tabs than commas, else a comma.
pub(super) fn separator(text: &str) -> u8 {
    let head = text.lines().take(SNIFFED_LINES);
    let (tabs, commas) = head.fold((0, 0), |(tabs, commas), line| {
        (
            tabs + line.matches('\t').count(),
            commas + line.matches(',').count(),
        )
    });
    if tabs > commas { b'\t' } else { b',' }
}

/// A CSV text's first records, each with the line it starts on, and for
/// each the byte where the record after it starts.
pub(super) struct Head {
    pub records: Vec<(u64, StringRecord)>,
    pub ends: Vec<usize>,
}

/// The first records of `text`, up to and with the `text_rows`th that has
/// text.
pub(super) fn head(text: &str, separator: u8, text_rows: usize) -> Result<Head, FieldError> {
    let (mut records, mut ends) = (Vec::new(), Vec::new());
    let mut with_text = 0;
    read_piece(text, 1, separator, &mut |line, record, end| {
        records.push((line, record.clone()));
        ends.push(end);
        with_text += usize::from(has_text(record));
        with_text < text_rows
    })?;
    Ok(Head { records, ends })
}

/// The records of a CSV text from a byte on: its data rows below the header,
/// cut into pieces of whole records.
#[derive(Debug)]
pub(super) struct Body<'a> {
    text: Cow<'a, str>,
    start: usize,
    separator: u8,
    pieces: Vec<Piece>,
}

/// A piece of a body: where it lies in the body, the line it starts on, and
/// the most records it can hold (one after each record end).
#[derive(Debug)]
struct Piece {
    bytes: std::ops::Range<usize>,
    line: u64,
    most: usize,
}

impl<'a> Body<'a> {
    /// The records of `text` from byte `start` on.
    pub(super) fn new(text: Cow<'a, str>, start: usize, separator: u8) -> Body<'a> {
        let mut line = 1 + memchr::memchr_iter(b'\n', &text.as_bytes()[..start]).count() as u64;
        let bytes = &text.as_bytes()[start..];
        let parts = if bytes.len() < SMALL {
            1
        } else {
            rayon::current_num_threads() * PIECES_PER_CORE
        };
        let pieces = cuts(bytes, parts, separator)
            .windows(2)
            .map(|cut| {
                let piece = &bytes[cut[0]..cut[1]];
                let first = line;
                line += memchr::memchr_iter(b'\n', piece).count() as u64;
                Piece {
                    bytes: cut[0]..cut[1],
                    line: first,
                    most: line_ends(piece) + 1,
                }
            })
            .collect();
        Body {
            text,
            start,
            separator,
            pieces,
        }
    }

    /// The most records the body can hold.
    pub(super) fn most_records(&self) -> u64 {
        self.pieces.iter().map(|piece| piece.most as u64).sum()
    }

    /// Each record with text, its cells trimmed, as `f` makes it of its line
    /// and cells: in pieces on every core, in file order.
    pub(super) fn map_rows<T: Send>(
        &self,
        f: &(impl Fn(u64, &StringRecord) -> T + Sync),
    ) -> Result<Vec<T>, FieldError> {
        // Each piece's rows made straight into their places in the whole: a
        // place for every record a piece can hold, filled in parallel, and
        // the places left empty (blank lines, cells over several) closed up.
        let mut places: Vec<Option<T>> = Vec::new();
        (0..self.most_records() as usize)
            .into_par_iter()
            .map(|_| None)
            .collect_into_vec(&mut places);
        let mut pieces_places = Vec::with_capacity(self.pieces.len());
        let mut rest = places.as_mut_slice();
        for piece in &self.pieces {
            let (places, after) = rest.split_at_mut(piece.most);
            pieces_places.push(places);
            rest = after;
        }
        let text = &self.text[self.start..];
        self.pieces
            .par_iter()
            .zip(pieces_places)
            .map(|(piece, places)| {
                let mut places = places.iter_mut();
                read_piece(
                    &text[piece.bytes.clone()],
                    piece.line,
                    self.separator,
                    &mut |line, record, _| {
                        if has_text(record) {
                            trim(record);
                            let place = places
                                .next()
                                .expect("a piece holds at most one record more than record ends");
                            *place = Some(f(line, record));
                        }
                        true
                    },
                )
            })
            .collect::<Result<(), FieldError>>()?;
        #[expect(
            clippy::filter_map_identity,
            reason = "`filter_map` collects in place, where `flatten` copies the rows"
        )]
        Ok(places.into_iter().filter_map(|row| row).collect())
    }
}

/// How many records' ends `bytes` holds: the reader ends a record at a line
/// feed, a carriage return or both together.
fn line_ends(bytes: &[u8]) -> usize {
    let feeds = memchr::memchr_iter(b'\n', bytes).count();
    let lone_returns = memchr::memchr_iter(b'\r', bytes)
        .filter(|&at| bytes.get(at + 1) != Some(&b'\n'))
        .count();
    feeds + lone_returns
}

/// Offsets that cut `bytes` into about `parts` pieces of whole records: 0, each
/// cut just after a line break outside quotes, and the end. A quote inside a
/// quoted cell is doubled, so a line break is outside quotes when an even
/// number of quotes comes before it — unless a quote stands loose inside an
/// unquoted cell, and then the text is one piece.
fn cuts(bytes: &[u8], parts: usize, separator: u8) -> Vec<usize> {
    if parts <= 1 || !quotes_well_formed(bytes, separator) {
        return vec![0, bytes.len()];
    }
    let step = bytes.len() / parts + 1;
    let mut cuts = vec![0];
    let (mut at, mut quotes) = (0, 0);
    for target in (1..parts).map(|part| part * step) {
        if target <= at {
            continue;
        }
        quotes += memchr::memchr_iter(b'"', &bytes[at..target]).count();
        at = target;
        let mut cut = None;
        while let Some(offset) = memchr::memchr(b'\n', &bytes[at..]) {
            quotes += memchr::memchr_iter(b'"', &bytes[at..at + offset]).count();
            at += offset + 1;
            if quotes % 2 == 0 {
                cut = Some(at);
                break;
            }
        }
        match cut {
            Some(cut) if cut < bytes.len() => cuts.push(cut),
            _ => break,
        }
    }
    cuts.push(bytes.len());
    cuts
}

/// Whether every quote in `bytes` opens a quoted cell, closes one before a
/// `separator`, a line break or the end, or is doubled inside one. The reader
/// takes any other quote as a character of its cell, which would throw the
/// count of quotes off.
fn quotes_well_formed(bytes: &[u8], separator: u8) -> bool {
    let ends_cell = |byte: u8| byte == separator || matches!(byte, b'\n' | b'\r');
    let mut quoted = false;
    let mut quotes = memchr::memchr_iter(b'"', bytes);
    while let Some(at) = quotes.next() {
        let next = bytes.get(at + 1);
        if !quoted {
            if at > 0 && !ends_cell(bytes[at - 1]) {
                return false;
            }
            quoted = true;
        } else if next == Some(&b'"') {
            quotes.next();
        } else if next.is_none_or(|&byte| ends_cell(byte)) {
            quoted = false;
        } else {
            return false;
        }
    }
    !quoted
}

/// Reads the records of one piece of whole records, which starts on line
/// `line`, into one record in turn, and gives each to `each` with the line it
/// starts on and the byte where the next starts, until `each` says stop.
fn read_piece(
    text: &str,
    mut line: u64,
    separator: u8,
    each: &mut dyn FnMut(u64, &mut StringRecord, usize) -> bool,
) -> Result<(), FieldError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let first_line = line;
    let mut record = StringRecord::new();
    // The reader's own line count skips blank lines: count from byte offsets.
    let mut counted = 0;
    loop {
        let more = reader.read_record(&mut record).map_err(|error| {
            let line = error.position().map_or(0, |p| p.line() + first_line - 1);
            FieldError::new(
                "file",
                format!("CSV 第 {line} 行格式有误（引号未闭合？）"),
                format!("expected well-formed CSV, but line {line} is not ({error})"),
            )
        })?;
        if !more {
            return Ok(());
        }
        // The position may be that of blank lines the reader skipped before it.
        let mut start = record.position().map_or(counted, |p| p.byte() as usize);
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted..start]).count() as u64;
        counted = start;
        if !each(line, &mut record, reader.position().byte() as usize) {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text read in `parts` pieces, as (line, cells) pairs.
    fn in_pieces(text: &str, parts: usize) -> Vec<(u64, Vec<String>)> {
        let cuts = cuts(text.as_bytes(), parts, b',');
        let mut line = 1;
        let mut rows = Vec::new();
        for piece in cuts.windows(2) {
            let piece = &text[piece[0]..piece[1]];
            read_piece(piece, line, b',', &mut |line, record, _| {
                rows.push((line, record.clone()));
                true
            })
            .unwrap();
            line += piece.matches('\n').count() as u64;
        }
        rows.into_iter()
            .map(|(line, record)| (line, record.iter().map(str::to_owned).collect()))
            .collect()
    }

    /// The records of `text` with text, as [`Body::map_rows`] gives them.
    fn read(text: &str) -> Result<Vec<(u64, StringRecord)>, FieldError> {
        Body::new(Cow::Borrowed(text), 0, separator(text))
            .map_rows(&|line, record| (line, record.clone()))
    }

    /// The cells of the records of `text` with text.
    fn cells(text: &str) -> Vec<Vec<String>> {
        read(text)
            .unwrap()
            .into_iter()
            .map(|(_, record)| record.iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn pieces_cut_only_between_records() {
        let text = "a,b\n\"x\ny\",1\n\n\"say \"\"hi\"\"\n\",2\r\nlast,3\n";
        let whole = in_pieces(text, 1);
        assert_eq!(
            whole,
            [
                (1, vec!["a".to_owned(), "b".to_owned()]),
                (2, vec!["x\ny".to_owned(), "1".to_owned()]),
                (5, vec!["say \"hi\"\n".to_owned(), "2".to_owned()]),
                (7, vec!["last".to_owned(), "3".to_owned()]),
            ]
        );
        assert_eq!(cuts(text.as_bytes(), 4, b','), [0, 12, 30, text.len()]);
        for parts in 2..=text.len() {
            assert_eq!(in_pieces(text, parts), whole, "in {parts} pieces");
        }
    }

    #[test]
    fn a_loose_quote_keeps_the_text_whole() {
        for text in [
            "a\"b,1\n\"x\ny\",2\n",
            "\"a\"b,1\n\"x\ny\",2\n",
            "\"open,1\nx,2\n",
        ] {
            assert_eq!(cuts(text.as_bytes(), 4, b','), [0, text.len()], "{text:?}");
        }
        let text = "a\"b,1\n\"x\ny\",2\n";
        assert_eq!(
            in_pieces(text, 1),
            [
                (1, vec!["a\"b".to_owned(), "1".to_owned()]),
                (2, vec!["x\ny".to_owned(), "2".to_owned()]),
            ]
        );
    }

    #[test]
    fn records_ended_by_carriage_returns_alone_are_all_read() {
        let expected = [["a", "b"], ["1", "2"], ["3", "4"]];
        assert_eq!(cells("a,b\r1,2\r3,4\r"), expected);
        assert_eq!(cells("a,b\r1,2\n3,4"), expected);
        assert_eq!(line_ends(b"a\rb\r\nc\nd\r"), 4);
    }

    #[test]
    fn a_text_file_of_tabs_is_read_by_its_tabs() {
        let tabs = cells("台账\n姓名\t地址\n张伟\t\"1号,2楼\"\n");
        assert_eq!(tabs[1], ["姓名", "地址"]);
        assert_eq!(tabs[2], ["张伟", "1号,2楼"]);
        // Commas outnumber the tab inside a cell.
        assert_eq!(cells("a,b,c\n1,x\ty,3\n")[1], ["1", "x\ty", "3"]);
    }

    #[test]
    fn a_long_text_read_on_every_core_is_read_as_in_one_piece() {
        let text = "名字,\"地址\n第二行\",1\n\n".repeat(SMALL / 16);
        assert!(text.len() > SMALL);
        let read: Vec<(u64, Vec<String>)> = read(&text)
            .unwrap()
            .into_iter()
            .map(|(line, record)| (line, record.iter().map(str::to_owned).collect()))
            .collect();
        assert_eq!(read.len(), SMALL / 16);
        assert_eq!(read.last().unwrap().0, (SMALL / 16 * 3 - 2) as u64);
        assert_eq!(read, in_pieces(&text, 1));
    }
}
