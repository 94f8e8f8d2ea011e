//! Many short lists held as one.
//!
//! The checks' tables hold thousands of short lists (a term's chars, a pattern's owners). As a
//! `Vec<Vec<T>>`, reading a table back from the binary (`prebuilt`) allocates each list on its
//! own: for the typo, formula-wording and 套话 tables ≈47,000 allocations and their fresh pages
//! at every start (7 % of a cold check's CPU). [`Ragged`] keeps the lists one after another in one vector, so reading it
//! back is two allocations.

use std::ops::Index;

use serde::{Deserialize, Serialize};

/// Lists of `T`, one after another: list `i` is `values[ends[i - 1]..ends[i]]` (from 0 for the
/// first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Parts<T>")]
pub(crate) struct Ragged<T> {
    values: Vec<T>,
    ends: Vec<u32>,
}

/// A `Ragged` as stored, before its ends are checked.
#[derive(Deserialize)]
struct Parts<T> {
    values: Vec<T>,
    ends: Vec<u32>,
}

impl<T> TryFrom<Parts<T>> for Ragged<T> {
    type Error = &'static str;

    /// Refuses ends that go backwards, or that do not end where the values do: a table that holds them is damaged,
    /// and is made afresh instead.
    fn try_from(Parts { values, ends }: Parts<T>) -> Result<Ragged<T>, &'static str> {
        let ordered = ends.windows(2).all(|pair| pair[0] <= pair[1]);
        let within = ends.last().map_or(0, |&end| end as usize) == values.len();
        if ordered && within {
            Ok(Ragged { values, ends })
        } else {
            Err("list ends out of order or not at the end of the values")
        }
    }
}

impl<T> Default for Ragged<T> {
    fn default() -> Self {
        Ragged {
            values: Vec::new(),
            ends: Vec::new(),
        }
    }
}

impl<T> Ragged<T> {
    /// Adds a list after the others.
    pub fn push(&mut self, list: impl IntoIterator<Item = T>) {
        self.push_with(|values| values.extend(list));
    }

    /// Adds a list after the others, whose values `fill` appends to the values so far (as it
    /// finds them, with nothing in between to copy them from).
    pub fn push_with(&mut self, fill: impl FnOnce(&mut Vec<T>)) {
        fill(&mut self.values);
        let end = u32::try_from(self.values.len()).expect("fewer than 2^32 values");
        self.ends.push(end);
    }

    /// How many lists.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[T]> + '_ {
        (0..self.len()).map(|i| &self[i])
    }

    /// Binary search of lists sorted by `compare`, as `slice::binary_search_by`.
    pub fn binary_search_by(
        &self,
        mut compare: impl FnMut(&[T]) -> std::cmp::Ordering,
    ) -> Result<usize, usize> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match compare(&self[middle]) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Ok(middle),
            }
        }
        Err(low)
    }
}

impl<T> Index<usize> for Ragged<T> {
    type Output = [T];

    fn index(&self, i: usize) -> &[T] {
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] as usize,
        };
        &self.values[start..self.ends[i] as usize]
    }
}

impl<T, L: IntoIterator<Item = T>> FromIterator<L> for Ragged<T> {
    fn from_iter<I: IntoIterator<Item = L>>(lists: I) -> Ragged<T> {
        let mut ragged = Ragged::default();
        lists.into_iter().for_each(|list| ragged.push(list));
        ragged
    }
}

/// Lists of chars, stored as one string: postcard writes each char as a string of its own, and
/// reading the tables' 94,000 chars back that way took twice the instructions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CharLists(Ragged<char>);

impl std::ops::Deref for CharLists {
    type Target = Ragged<char>;

    fn deref(&self) -> &Ragged<char> {
        &self.0
    }
}

impl<L: IntoIterator<Item = char>> FromIterator<L> for CharLists {
    fn from_iter<I: IntoIterator<Item = L>>(lists: I) -> CharLists {
        CharLists(lists.into_iter().collect())
    }
}

impl Serialize for CharLists {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let chars: String = self.0.values.iter().collect();
        (chars, &self.0.ends).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for CharLists {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<CharLists, D::Error> {
        let (chars, ends) = <(&str, Vec<u32>)>::deserialize(deserializer)?;
        let parts = Parts {
            values: chars.chars().collect(),
            ends,
        };
        Ragged::try_from(parts)
            .map(CharLists)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_holds_the_lists_it_was_given() {
        let lists = vec![vec!['乡', '村'], vec![], vec!['𠮷'], vec!['振', '兴', '了']];
        let ragged: Ragged<char> = lists.iter().cloned().collect();
        assert_eq!(ragged.len(), 4);
        let back: Vec<Vec<char>> = ragged.iter().map(<[char]>::to_vec).collect();
        assert_eq!(back, lists);
        assert_eq!(&ragged[3], &['振', '兴', '了']);
        assert!(ragged[1].is_empty());
        assert_eq!(Ragged::<u32>::default().iter().count(), 0);
    }

    #[test]
    fn char_lists_read_back_what_they_wrote_and_refuse_bad_ends() {
        let lists: CharLists = ["乡村振兴", "", "𠮷野家", "ab"]
            .iter()
            .map(|s| s.chars())
            .collect();
        let bytes = postcard::to_allocvec(&lists).unwrap();
        assert_eq!(postcard::from_bytes::<CharLists>(&bytes), Ok(lists.clone()));
        assert_eq!(&lists[2], &['𠮷', '野', '家']);
        let bad = postcard::to_allocvec(&("乡村", vec![1u32, 3])).unwrap();
        assert!(postcard::from_bytes::<CharLists>(&bad).is_err());
    }

    #[test]
    fn binary_search_finds_as_a_slice_of_lists_does() {
        let lists = [vec![1u32], vec![1, 2], vec![2], vec![3, 0], vec![5]];
        let ragged: Ragged<u32> = lists.iter().cloned().collect();
        for probe in [
            vec![],
            vec![1],
            vec![1, 1],
            vec![1, 2],
            vec![3, 0],
            vec![4],
            vec![9],
        ] {
            assert_eq!(
                ragged.binary_search_by(|list| list.cmp(&probe[..])),
                lists.binary_search_by(|list| list[..].cmp(&probe[..])),
                "{probe:?}"
            );
        }
    }

    #[test]
    fn it_reads_back_what_it_wrote_and_refuses_bad_ends() {
        let ragged: Ragged<(u32, bool)> = [vec![(7, true)], vec![], vec![(1, false), (2, true)]]
            .into_iter()
            .collect();
        let bytes = postcard::to_allocvec(&ragged).unwrap();
        assert_eq!(
            postcard::from_bytes::<Ragged<(u32, bool)>>(&bytes),
            Ok(ragged)
        );
        #[derive(Serialize)]
        struct Stored {
            values: Vec<u32>,
            ends: Vec<u32>,
        }
        for (values, ends) in [
            (vec![1, 2], vec![2, 1]),
            (vec![1, 2], vec![3]),
            (vec![1], vec![]),
        ] {
            let bytes = postcard::to_allocvec(&Stored { values, ends }).unwrap();
            assert!(postcard::from_bytes::<Ragged<u32>>(&bytes).is_err());
        }
        let empty = postcard::to_allocvec(&Stored {
            values: vec![],
            ends: vec![0, 0],
        })
        .unwrap();
        assert_eq!(
            postcard::from_bytes::<Ragged<u32>>(&empty).unwrap().len(),
            2
        );
    }
}
