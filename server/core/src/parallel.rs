//! Order-preserving parallel map over scoped threads, for building indexes on all cores.
//!
//! Work is cut into one contiguous slice per core, balanced by a weight (characters, usually),
//! so results come back in input order and the output is the same however many cores there are.
//! [`Shared`] work is instead taken a batch at a time by whichever thread is free.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
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

/// `f` over contiguous slices of `items`, one per core but one, their results joined in order:
/// for work with a set-up cost per slice that runs beside other work of the same run:
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

/// `f` over at most `cores` contiguous slices of `items`. Below `min_weight` in all, `f` takes
/// all of `items` on the calling thread.
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

/// Work that any number of threads take part in, a batch of items at a time, its results kept
/// in input order: for work beside other work of unknown length (a corpus being mined), where a
/// thread joins in when its core is free and nothing is left idle waiting for a fixed share.
pub struct Shared<T, U> {
    items: Vec<T>,
    batch: usize,
    next: AtomicUsize,
    done: Mutex<Vec<(usize, Vec<U>)>>,
}

impl<T: Sync, U: Send> Shared<T, U> {
    /// `items` to be mapped, handed out `batch` at a time (at least one).
    pub fn new(items: Vec<T>, batch: usize) -> Shared<T, U> {
        Shared {
            items,
            batch: batch.max(1),
            next: AtomicUsize::new(0),
            done: Mutex::new(Vec::new()),
        }
    }

    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// Maps batches no thread has taken yet with `f`, until none is left.
    pub fn take_part(&self, f: impl Fn(&T) -> U) {
        loop {
            let start = self.next.fetch_add(self.batch, Ordering::Relaxed);
            if start >= self.items.len() {
                return;
            }
            let end = (start + self.batch).min(self.items.len());
            let mapped = self.items[start..end].iter().map(&f).collect();
            self.done.lock().unwrap().push((start, mapped));
        }
    }

    /// Every item's result, in input order, once the threads taking part are done.
    ///
    /// Panics when a batch is missing: no thread took part after the last item was handed out,
    /// or one panicked in the middle of a batch.
    pub fn into_results(self) -> Vec<U> {
        let mut done = self.done.into_inner().unwrap();
        done.sort_unstable_by_key(|&(start, _)| start);
        let results: Vec<U> = done.into_iter().flat_map(|(_, mapped)| mapped).collect();
        assert_eq!(results.len(), self.items.len(), "a batch was never done");
        results
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_work_comes_back_in_order_whoever_takes_part() {
        let items: Vec<usize> = (0..1000).collect();
        let shared = Shared::new(items.clone(), 7);
        let taken = [AtomicUsize::new(0), AtomicUsize::new(0)];
        thread::scope(|s| {
            for taker in &taken {
                let shared = &shared;
                s.spawn(move || {
                    shared.take_part(|x| {
                        taker.fetch_add(1, Ordering::Relaxed);
                        x * 2
                    })
                });
            }
        });
        let by_each = taken.map(|t| t.into_inner());
        assert_eq!(by_each.iter().sum::<usize>(), items.len());
        assert_eq!(
            shared.into_results(),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        // One thread alone does it all; nothing to do is no work.
        let alone = Shared::new(items.clone(), 1000);
        alone.take_part(|x| x + 1);
        assert_eq!(alone.into_results()[999], 1000);
        let none = Shared::<usize, usize>::new(Vec::new(), 0);
        none.take_part(|x| *x);
        assert!(none.into_results().is_empty());
    }

    #[test]
    #[should_panic(expected = "a batch was never done")]
    fn shared_work_nobody_took_part_in_is_no_result() {
        Shared::<usize, usize>::new(vec![1, 2], 1).into_results();
    }

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
        let out = map_slices_on(
            threads(),
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
        let small = map_slices_on(threads(), &items, |_| 1, 10_000, |slice| vec![slice.len()]);
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
