//! Names of imports, exports and functions: borrowed from a compiled image in flash, or on the
//! heap. Function names live in a table sorted by index, which a compiled image can hold in
//! place, so that loading one costs no RAM for them.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use core::ops::Deref;

use crate::error::Message;

/// A name that is cheap to keep: a `'static` string (in a compiled image executed in place,
/// where it stays in flash) or a copy on the heap.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Name(NameRepr);

#[derive(Clone)]
enum NameRepr {
    Static(&'static str),
    Owned(Box<str>),
}

impl Name {
    /// Borrows `name` for the life of the program, without copying.
    pub const fn from_static(name: &'static str) -> Self {
        Name(NameRepr::Static(name))
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.0 {
            NameRepr::Static(name) => name,
            NameRepr::Owned(name) => name,
        }
    }
}

impl From<&str> for Name {
    /// Copies `name` to the heap.
    fn from(name: &str) -> Self {
        Name(NameRepr::Owned(name.into()))
    }
}

impl PartialEq for NameRepr {
    fn eq(&self, other: &Self) -> bool {
        name_str(self) == name_str(other)
    }
}

impl Eq for NameRepr {}

impl PartialOrd for NameRepr {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for NameRepr {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        name_str(self).cmp(name_str(other))
    }
}

fn name_str(repr: &NameRepr) -> &str {
    match repr {
        NameRepr::Static(name) => name,
        NameRepr::Owned(name) => name,
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

/// Function names (from the name section), by function index, as a packed table that a
/// compiled image holds in place (so loading one costs no RAM for names) or that lives on the
/// heap (modules decoded from `.wasm`, images loaded by copying).
///
/// The table is `count` entries of three little-endian `u32`s (function index, start and
/// length of the name in the text), in strictly increasing order of index, followed by the
/// text. Every constructor checks all of that, so lookups are right without further checks
/// (and use checked access anyway, so they cannot panic).
#[derive(Clone, Default)]
pub struct FuncNames {
    count: usize,
    table: Cow<'static, [u8]>,
}

/// Bytes of one entry of the packed table of [`FuncNames`].
pub const PACKED_ENTRY: usize = 12;

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let word = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([word[0], word[1], word[2], word[3]]))
}

/// Entry `i` of a packed table: the function index and the name's range in the text.
fn entry(table: &[u8], i: usize) -> Option<(u32, usize, usize)> {
    let at = i.checked_mul(PACKED_ENTRY)?;
    let index = u32_at(table, at)?;
    let start = u32_at(table, at + 4)? as usize;
    let len = u32_at(table, at + 8)? as usize;
    Some((index, start, len))
}

/// The text of a packed table of `count` entries.
fn text(table: &[u8], count: usize) -> Option<&[u8]> {
    table.get(count.checked_mul(PACKED_ENTRY)?..)
}

/// Checks a packed table of `count` entries.
fn check(count: usize, table: &[u8]) -> Result<(), Message> {
    let bad = || Message::from("function names: bad name table");
    let text = core::str::from_utf8(text(table, count).ok_or_else(bad)?).map_err(|_| bad())?;
    let mut previous = None;
    for i in 0..count {
        let (index, start, len) = entry(table, i).ok_or_else(bad)?;
        if previous.is_some_and(|p| p >= index) {
            return Err("function names: indices not in increasing order".into());
        }
        previous = Some(index);
        start
            .checked_add(len)
            .and_then(|end| text.get(start..end))
            .ok_or_else(bad)?;
    }
    Ok(())
}

impl FuncNames {
    /// Names from `(index, name)` pairs in strictly increasing order of index.
    ///
    /// # Errors
    /// When the indices are not strictly increasing, or the names exceed 4 GiB.
    pub fn from_sorted<'a>(
        names: impl IntoIterator<Item = (u32, &'a str)>,
    ) -> Result<Self, Message> {
        let mut entries = Vec::new();
        let mut text = Vec::new();
        let mut previous = None;
        for (index, name) in names {
            if previous.is_some_and(|p| p >= index) {
                return Err("function names: indices not in increasing order".into());
            }
            previous = Some(index);
            let (Ok(start), Ok(len)) = (u32::try_from(text.len()), u32::try_from(name.len()))
            else {
                return Err("function names: more than 4 GiB".into());
            };
            for word in [index, start, len] {
                entries.extend_from_slice(&word.to_le_bytes());
            }
            text.extend_from_slice(name.as_bytes());
        }
        let count = entries.len() / PACKED_ENTRY;
        entries.extend_from_slice(&text);
        Ok(FuncNames {
            count,
            table: Cow::Owned(entries),
        })
    }

    /// A packed table of `count` entries (see the type's documentation), kept in place.
    ///
    /// # Errors
    /// When the table is truncated, its indices are not strictly increasing, or a name lies
    /// outside the text or does not start and end on character boundaries.
    pub fn packed(count: usize, table: &'static [u8]) -> Result<Self, Message> {
        check(count, table)?;
        Ok(FuncNames {
            count,
            table: Cow::Borrowed(table),
        })
    }

    /// A packed table of `count` entries (see the type's documentation), copied to the heap.
    ///
    /// # Errors
    /// As [`FuncNames::packed`].
    pub fn copied(count: usize, table: &[u8]) -> Result<Self, Message> {
        check(count, table)?;
        Ok(FuncNames {
            count,
            table: Cow::Owned(table.to_vec()),
        })
    }

    /// The number of entries and the packed table (see the type's documentation).
    pub fn as_packed(&self) -> (usize, &[u8]) {
        (self.count, &self.table)
    }

    /// The name of entry `i`.
    fn at(&self, i: usize) -> Option<(u32, &str)> {
        let (index, start, len) = entry(&self.table, i)?;
        let bytes = text(&self.table, self.count)?.get(start..start.checked_add(len)?)?;
        // Checked to be UTF-8 on character boundaries when the table was made.
        Some((index, core::str::from_utf8(bytes).ok()?))
    }

    /// The name of function `index`, if it has one.
    pub fn get(&self, index: u32) -> Option<&str> {
        let (mut low, mut high) = (0, self.count);
        while low < high {
            let mid = low + (high - low) / 2;
            let (found, _, _) = entry(&self.table, mid)?;
            match found.cmp(&index) {
                core::cmp::Ordering::Equal => return self.at(mid).map(|(_, name)| name),
                core::cmp::Ordering::Less => low = mid + 1,
                core::cmp::Ordering::Greater => high = mid,
            }
        }
        None
    }

    /// Every `(index, name)`, in increasing order of index.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> + '_ {
        (0..self.count).filter_map(|i| self.at(i))
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no names.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

impl fmt::Debug for FuncNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static TABLE: [u8; 31] = [
        1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, // 1: "one"
        5, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, // 5: "five"
        b'o', b'n', b'e', b'f', b'i', b'v', b'e',
    ];

    #[test]
    fn every_kind_of_table_finds_the_same_names() {
        let built = FuncNames::from_sorted([(1, "one"), (5, "five")]).unwrap();
        assert_eq!(built.as_packed(), (2, &TABLE[..]));
        let packed = FuncNames::packed(2, &TABLE).unwrap();
        let copied = FuncNames::copied(2, &TABLE).unwrap();
        for names in [&built, &packed, &copied] {
            assert_eq!(names.get(1), Some("one"));
            assert_eq!(names.get(5), Some("five"));
            assert_eq!(names.get(0), None);
            assert_eq!(names.get(3), None);
            assert_eq!(names.get(9), None);
            assert_eq!(names.len(), 2);
            assert_eq!(names.iter().collect::<Vec<_>>(), [(1, "one"), (5, "five")]);
        }
        assert_eq!(FuncNames::default().get(0), None);
    }

    #[test]
    fn bad_tables_are_refused() {
        assert!(FuncNames::from_sorted([(2, "a"), (2, "b")]).is_err());
        static UNSORTED: [u8; 24] = [
            5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        assert!(FuncNames::packed(2, &UNSORTED).is_err());
        static OUTSIDE: [u8; 14] = [0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, b'a', b'b'];
        assert!(FuncNames::packed(1, &OUTSIDE).is_err());
        assert!(FuncNames::packed(2, &OUTSIDE).is_err());
        // A name that ends inside a multi-byte character.
        static SPLIT: [u8; 14] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0xc3, 0xa9];
        assert!(FuncNames::packed(1, &SPLIT).is_err());
        assert!(FuncNames::copied(1, &SPLIT).is_err());
        assert!(FuncNames::packed(usize::MAX, &SPLIT).is_err());
    }
}
