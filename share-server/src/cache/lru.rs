//! A map bounded by the total weight of its values, which drops the least
//! recently used first.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

/// What a value costs to keep, in bytes.
pub trait Weigh {
    fn weight(&self) -> usize;
}

struct Slot<V> {
    value: V,
    weight: usize,
    last_used: u64,
}

pub struct Lru<K, V> {
    entries: HashMap<K, Slot<V>>,
    capacity: usize,
    weight: usize,
    clock: u64,
}

impl<K: Hash + Eq + Clone, V: Weigh> Lru<K, V> {
    /// At most `capacity` bytes (0: keeps nothing).
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: HashMap::new(),
            capacity,
            weight: 0,
            clock: 0,
        }
    }

    /// The value under `key`, now the most recently used.
    pub fn get<Q>(&mut self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.clock += 1;
        let slot = self.entries.get_mut(key)?;
        slot.last_used = self.clock;
        Some(&slot.value)
    }

    /// Changes the value under `key` (made by `make` when there is none)
    /// with `change`, then drops the least recently used others while over
    /// capacity. A value heavier than a quarter of the capacity is not
    /// kept.
    pub fn upsert(&mut self, key: K, make: impl FnOnce() -> V, change: impl FnOnce(&mut V)) {
        self.clock += 1;
        let last_used = self.clock;
        let slot = self.entries.entry(key.clone()).or_insert_with(|| Slot {
            value: make(),
            weight: 0,
            last_used,
        });
        change(&mut slot.value);
        slot.last_used = last_used;
        let weight = slot.value.weight();
        self.weight = self.weight - slot.weight + weight;
        slot.weight = weight;
        if weight > self.capacity / 4 {
            self.remove(&key);
        } else if self.weight > self.capacity {
            self.shrink_to(self.capacity - self.capacity / 8);
        }
    }

    pub fn remove<Q>(&mut self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Some(slot) = self.entries.remove(key) {
            self.weight -= slot.weight;
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.weight = 0;
    }

    /// Bytes held and number of entries.
    pub fn usage(&self) -> (usize, usize) {
        (self.weight, self.entries.len())
    }

    /// Drops least-recently-used entries until the weight is at most
    /// `target` (a little below capacity, so evictions come in batches).
    fn shrink_to(&mut self, target: usize) {
        let mut by_age: Vec<(u64, K)> = self
            .entries
            .iter()
            .map(|(key, slot)| (slot.last_used, key.clone()))
            .collect();
        by_age.sort_unstable_by_key(|(last_used, _)| *last_used);
        for (_, key) in by_age {
            if self.weight <= target {
                break;
            }
            self.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Weigh for usize {
        fn weight(&self) -> usize {
            *self
        }
    }

    #[test]
    fn evicts_least_recently_used_within_budget() {
        let mut lru = Lru::new(10_000);
        for key in 0..4 {
            lru.upsert(key, || 1_500, |_| {});
        }
        // Touch the first so the second is the oldest.
        assert!(lru.get(&0).is_some());
        for key in 4..8 {
            lru.upsert(key, || 1_500, |_| {});
        }
        let (weight, _) = lru.usage();
        assert!(weight <= 10_000, "{weight}");
        assert!(lru.get(&0).is_some());
        assert!(lru.get(&1).is_none());
        assert!(lru.get(&7).is_some());
        lru.upsert(7, || 0, |value| *value = 100);
        assert_eq!(lru.get(&7), Some(&100));
        lru.upsert(9, || 2_501, |_| {});
        assert!(lru.get(&9).is_none(), "over a quarter of the budget");
        lru.remove(&7);
        lru.clear();
        assert_eq!(lru.usage(), (0, 0));
    }
}
