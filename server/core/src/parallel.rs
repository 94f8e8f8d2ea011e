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
    chunks_above(items, weight, MIN_PARALLEL_WEIGHT, threads())
}

/// `chunks`, with work below `min_weight` in all kept on one slice, and `cores` in place of
/// `threads()`.
fn chunks_above<T>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    min_weight: usize,
    cores: usize,
) -> Vec<&[T]> {
    let weights: Vec<usize> = items.iter().map(|t| weight(t).max(1)).collect();
    let total: usize = weights.iter().sum();
    let n = if total < min_weight {
        1
    } else {
        cores.min(items.len()).max(1)
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

/// `f` over contiguous slices of `items`, one per core, their results joined in order: for work
/// with a set-up cost per slice. Below `min_weight` in all, `f` takes all of `items` on the
/// calling thread.
pub fn map_slices<T: Sync, U: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    min_weight: usize,
    f: impl Fn(&[T]) -> Vec<U> + Sync,
) -> Vec<U> {
    map_slices_on(threads(), items, weight, min_weight, f)
}

/// `map_slices` on every core but one, for work that runs beside other work of the same run:
/// tagging a corpus while the draft is checked. A slice on every core there makes the threads
/// take turns on the cores, and each slice repeats its set-up (on two cores: 1.5 ms slower).
pub fn map_slices_beside<T: Sync, U: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    min_weight: usize,
    f: impl Fn(&[T]) -> Vec<U> + Sync,
) -> Vec<U> {
    map_slices_on(threads().saturating_sub(1), items, weight, min_weight, f)
}

/// `map_slices` over at most `cores` slices.
fn map_slices_on<T: Sync, U: Send>(
    cores: usize,
    items: &[T],
    weight: impl Fn(&T) -> usize,
    min_weight: usize,
    f: impl Fn(&[T]) -> Vec<U> + Sync,
) -> Vec<U> {
    let slices = chunks_above(items, weight, min_weight, cores);
    if slices.len() <= 1 {
        return f(items);
    }
    in_order(slices, f)
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
    fn map_slices_keeps_order_and_splits_only_work_worth_it() {
        let items: Vec<usize> = (0..1000).collect();
        let slices = std::sync::Mutex::new(0);
        let out = map_slices(
            &items,
            |_| 10,
            100,
            |slice| {
                *slices.lock().unwrap() += 1;
                slice.iter().map(|x| x * 3).collect()
            },
        );
        assert_eq!(out, items.iter().map(|x| x * 3).collect::<Vec<_>>());
        assert_eq!(*slices.lock().unwrap(), threads().min(items.len()));
        let small = map_slices(&items, |_| 1, 10_000, |slice| vec![slice.len()]);
        assert_eq!(small, vec![1000]);
        // Beside other work: a core is left to it.
        let lens = map_slices_beside(&items, |_| 10, 100, |slice| vec![slice.len()]);
        assert_eq!(lens.iter().sum::<usize>(), items.len());
        assert_eq!(lens.len(), threads().saturating_sub(1).max(1));
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
