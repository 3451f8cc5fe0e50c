//! Host functions: code of the embedding program that guests import.

/// A host function. It receives the CGRF bytes the guest passed and returns CGRF bytes, or an
/// error message. It may be called from any thread that calls into a composition, and
/// concurrently when several calls run at once.
pub trait HostFn: Send + Sync {
    fn call(&self, input: &[u8]) -> Result<Vec<u8>, String>;

    /// Like `call`, but may answer later through a [`Completion`](super::Completion). The
    /// runtime calls this one; the default answers now with `call`.
    fn call_or_defer(&self, input: &[u8]) -> Result<super::HostAnswer, String> {
        self.call(input).map(super::HostAnswer::Ready)
    }
}

impl<F> HostFn for F
where
    F: Fn(&[u8]) -> Result<Vec<u8>, String> + Send + Sync,
{
    fn call(&self, input: &[u8]) -> Result<Vec<u8>, String> {
        self(input)
    }
}
