//! `catch_response=True`: the caller decides whether the request succeeded.

use std::ops::Deref;

use locusta_stats::Recorder;

use crate::Response;
use crate::error_text::catch_response_error;

/// A response whose statistics record waits for the caller's verdict (Locust's
/// `with client.get(..., catch_response=True) as r:` block).
///
/// Dereferences to the [`Response`]. Call [`success`](Self::success) or
/// [`failure`](Self::failure) to decide; if neither is called, dropping the guard records the
/// normal verdict (failure for a connection error or a status of 400–599). Either way the
/// request is recorded exactly once, with the response time measured when the response
/// arrived, so time spent deciding is not counted.
#[must_use = "dropping it at once records the normal verdict; call success() or failure()"]
pub struct CatchResponse {
    response: Option<Response>,
    recorder: Recorder,
}

impl CatchResponse {
    pub(crate) fn new(response: Response, recorder: Recorder) -> Self {
        Self {
            response: Some(response),
            recorder,
        }
    }

    /// Records the request as successful, whatever its status, and returns the response.
    pub fn success(mut self) -> Response {
        let mut response = self.take();
        response.record(&self.recorder, None);
        response.error = None;
        response
    }

    /// Records the request as failed with `message` (shown as Locust's
    /// `CatchResponseError('message')`), and returns the response, whose
    /// [`error`](Response::error) is now that text.
    pub fn failure(mut self, message: impl AsRef<str>) -> Response {
        let mut response = self.take();
        let error = catch_response_error(message.as_ref());
        response.record(&self.recorder, Some(&error));
        response.error = Some(error);
        response
    }

    /// Records the normal verdict now and returns the response.
    pub fn into_response(mut self) -> Response {
        let response = self.take();
        response.record(&self.recorder, response.error.as_deref());
        response
    }

    fn take(&mut self) -> Response {
        self.response
            .take()
            .expect("a CatchResponse holds its response until consumed")
    }
}

impl Deref for CatchResponse {
    type Target = Response;

    fn deref(&self) -> &Response {
        self.response
            .as_ref()
            .expect("a CatchResponse holds its response until consumed")
    }
}

impl std::fmt::Debug for CatchResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CatchResponse")
            .field(&self.response)
            .finish()
    }
}

impl Drop for CatchResponse {
    fn drop(&mut self) {
        if let Some(response) = self.response.take() {
            response.record(&self.recorder, response.error.as_deref());
        }
    }
}
