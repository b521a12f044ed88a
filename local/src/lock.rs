//! The state lock: tokio's mutex, whose guard may be held in a `Send` future (a handler
//! queues its change for the state file under the lock, then releases it before it waits
//! for the sync, so concurrent changes share one sync), plus the poisoning std's mutex
//! has: a handler that panicked holding the lock leaves the store refusing every request
//! with `InternalFailure` rather than serving state that may be half written.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};

use awsrt::internal::server::GenericError;

/// A value behind the lock.
#[derive(Debug, Default)]
pub struct Store<T> {
    inner: tokio::sync::Mutex<T>,
    poisoned: AtomicBool,
}

/// The lock held; dropping it while panicking poisons the store.
#[derive(Debug)]
pub struct Guard<'a, T> {
    inner: tokio::sync::MutexGuard<'a, T>,
    poisoned: &'a AtomicBool,
}

impl<T> Store<T> {
    /// Takes the lock, or `InternalFailure` if a handler panicked holding it.
    pub async fn lock(&self) -> Result<Guard<'_, T>, GenericError> {
        let inner = self.inner.lock().await;
        if self.poisoned.load(Ordering::Acquire) {
            return Err(GenericError::internal(
                "snowball-local state is unusable after a panic",
            ));
        }
        Ok(Guard {
            inner,
            poisoned: &self.poisoned,
        })
    }

    /// The value, without waiting: for start-up, before anything else holds the lock.
    pub fn get_mut(&mut self) -> &mut T {
        self.inner.get_mut()
    }
}

impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.poisoned.store(true, Ordering::Release);
        }
    }
}

impl<T> Deref for Guard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for Guard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::Store;

    #[tokio::test]
    async fn a_panic_under_the_lock_poisons_the_store() {
        let store = std::sync::Arc::new(Store::<u32>::default());
        *store.lock().await.expect("lock") += 1;
        let s = store.clone();
        let panicked = tokio::spawn(async move {
            let _g = s.lock().await.expect("lock");
            panic!("a handler bug");
        })
        .await;
        assert!(panicked.is_err());
        let err = store.lock().await.expect_err("poisoned");
        assert_eq!(err.code, "InternalFailure");
    }
}
