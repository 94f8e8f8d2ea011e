//! Order-preserving parallel map over scoped threads, for building indexes on all cores.
//!
//! Work is cut into one contiguous slice per core, balanced by a weight (characters, usually),
//! so results come back in input order and the output is the same however many cores there are.

use std::thread;

/// Below this much total weight the work runs on the calling thread: spawning costs more.
const MIN_PARALLEL_WEIGHT: usize = 64 * 1024;

/// Threads to use: the cores available, at most 8.
pub fn threads() -> usize {
    thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
}

/// `items` cut into at most `threads()` contiguous slices of about equal total `weight`.
pub fn chunks<T>(items: &[T], weight: impl Fn(&T) -> usize) -> Vec<&[T]> {
    let weights: Vec<usize> = items.iter().map(|t| weight(t).max(1)).collect();
    let total: usize = weights.iter().sum();
    let n = if total < MIN_PARALLEL_WEIGHT {
        1
    } else {
        threads().min(items.len()).max(1)
    };
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    let mut acc = 0;
    for (i, w) in weights.iter().enumerate() {
        acc += w;
        // Close slice k when the running weight passes k/n of the total.
        if out.len() + 1 < n && acc * n >= total * (out.len() + 1) {
            out.push(&items[start..=i]);
            start = i + 1;
        }
    }
    if start < items.len() || out.is_empty() {
        out.push(&items[start..]);
    }
    out
}

/// `items.iter().map(f)`, on all cores, in order.
pub fn map<T: Sync, U: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> U + Sync,
) -> Vec<U> {
    let slices = chunks(items, weight);
    if slices.len() <= 1 {
        return items.iter().map(f).collect();
    }
    in_order(slices, |slice| slice.iter().map(&f).collect())
}

/// `items.into_iter().map(f)`, on all cores, in order.
pub fn map_owned<T: Send, U: Send>(
    items: Vec<T>,
    weight: impl Fn(&T) -> usize,
    f: impl Fn(T) -> U + Sync,
) -> Vec<U> {
    let sizes: Vec<usize> = chunks(&items, weight).iter().map(|c| c.len()).collect();
    if sizes.len() <= 1 {
        return items.into_iter().map(f).collect();
    }
    let mut groups: Vec<Vec<T>> = Vec::with_capacity(sizes.len());
    let mut rest = items.into_iter();
    for size in sizes {
        groups.push(rest.by_ref().take(size).collect());
    }
    in_order(groups, |group| group.into_iter().map(&f).collect())
}

/// `work` on each group, one scoped thread a group; the results joined in group order.
fn in_order<G: Send, U: Send>(groups: Vec<G>, work: impl Fn(G) -> Vec<U> + Sync) -> Vec<U> {
    let work = &work;
    thread::scope(|s| {
        let handles: Vec<_> = groups
            .into_iter()
            .map(|group| s.spawn(move || work(group)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker thread panicked"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_order_and_covers_everything() {
        let items: Vec<usize> = (0..10_000).collect();
        let out = map(&items, |_| 100, |x| x * 2);
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        let owned = map_owned(items.clone(), |_| 100, |x| x + 1);
        assert_eq!(owned, items.iter().map(|x| x + 1).collect::<Vec<_>>());
    }

    #[test]
    fn chunks_are_contiguous_and_complete() {
        let items: Vec<usize> = (1..=1000).collect();
        let parts = chunks(&items, |&x| x * 1000);
        let joined: Vec<usize> = parts.concat();
        assert_eq!(joined, items);
        assert!(parts.len() <= threads());
        assert_eq!(chunks(&[] as &[usize], |_| 1).concat(), Vec::<usize>::new());
    }
}
