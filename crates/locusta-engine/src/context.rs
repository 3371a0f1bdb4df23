use std::any::Any;
use std::sync::Arc;

use locusta_stats::Recorder;
use rand::SeedableRng;
use rand::rngs::SmallRng;

/// Process-wide values that user factories may need but the engine does not know, e.g. the
/// HTTP client configuration shared by all users. Set once by the composition root.
#[derive(Clone, Default)]
pub struct Resources {
    items: Vec<Arc<dyn Any + Send + Sync>>,
}

impl Resources {
    /// Adds a value; a later value of the same type shadows an earlier one.
    pub fn insert<T: Any + Send + Sync>(&mut self, value: T) {
        self.items.push(Arc::new(value));
    }

    /// The value of type `T`, if one was inserted.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.items
            .iter()
            .rev()
            .find_map(|item| item.downcast_ref::<T>())
    }
}

/// What a user gets when it is created.
pub struct UserContext<'a> {
    /// Global, 0-based number of this user in spawn order.
    pub user_id: u64,
    /// Base URL: `--host` if given, else the class's own `host`.
    pub host: Option<&'a str>,
    /// The shard's statistics sink: custom clients record into it.
    pub recorder: &'a Recorder,
    /// Shared, process-wide values (HTTP configuration, ...).
    pub resources: &'a Resources,
    pub(crate) seed: u64,
}

impl UserContext<'_> {
    /// A random generator for this user, reproducible under `--seed`.
    pub fn rng(&self) -> SmallRng {
        SmallRng::seed_from_u64(user_seed(self.seed, self.user_id) ^ 0x5EED_0F05_E7C0_DE00)
    }
}

/// Mixes the run's seed with a user number (splitmix64), so users get independent streams.
pub(crate) fn user_seed(run_seed: u64, user_id: u64) -> u64 {
    let mut z = run_seed.wrapping_add(user_id.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
