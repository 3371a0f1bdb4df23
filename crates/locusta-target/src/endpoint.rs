//! The endpoints with a fixed method and path: recognised with one `match` and counted
//! lock-free. Parameterised paths (`/status/{code}`, `/bytes/{n}`) and unknown requests
//! are handled in [`crate::routes`] and counted under a mutex.

use hyper::Method;

/// An endpoint with a fixed method and path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Root,
    Hello,
    World,
    Item,
    Login,
    Slow,
    Redirect,
    CookieCheck,
    Close,
    EchoGet,
    EchoPost,
    Flaky,
    Predict,
}

impl Endpoint {
    /// Number of variants: the size of the lock-free counter table.
    pub(crate) const COUNT: usize = Self::ALL.len();

    /// Every variant, in discriminant order.
    pub(crate) const ALL: [Endpoint; 13] = [
        Self::Root,
        Self::Hello,
        Self::World,
        Self::Item,
        Self::Login,
        Self::Slow,
        Self::Redirect,
        Self::CookieCheck,
        Self::Close,
        Self::EchoGet,
        Self::EchoPost,
        Self::Flaky,
        Self::Predict,
    ];

    /// The endpoint serving `method` on `path` (a path without its query), if any.
    #[inline]
    pub(crate) fn lookup(method: &Method, path: &str) -> Option<Self> {
        let endpoint = match path {
            "/" => Self::Root,
            "/hello" => Self::Hello,
            "/world" => Self::World,
            "/item" => Self::Item,
            "/login" => Self::Login,
            "/slow" => Self::Slow,
            "/redirect" => Self::Redirect,
            "/cookie/check" => Self::CookieCheck,
            "/close" => Self::Close,
            "/echo" if method == Method::POST => Self::EchoPost,
            "/echo" => Self::EchoGet,
            "/flaky" => Self::Flaky,
            "/predict" => Self::Predict,
            _ => return None,
        };
        (endpoint.method() == method).then_some(endpoint)
    }

    /// The method this endpoint answers.
    pub(crate) fn method(self) -> Method {
        match self {
            Self::Login | Self::EchoPost | Self::Predict => Method::POST,
            _ => Method::GET,
        }
    }

    /// The path this endpoint answers.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Self::Root => "/",
            Self::Hello => "/hello",
            Self::World => "/world",
            Self::Item => "/item",
            Self::Login => "/login",
            Self::Slow => "/slow",
            Self::Redirect => "/redirect",
            Self::CookieCheck => "/cookie/check",
            Self::Close => "/close",
            Self::EchoGet | Self::EchoPost => "/echo",
            Self::Flaky => "/flaky",
            Self::Predict => "/predict",
        }
    }

    /// Index into the counter table.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_in_discriminant_order() {
        for (index, endpoint) in Endpoint::ALL.into_iter().enumerate() {
            assert_eq!(endpoint.index(), index);
        }
    }

    #[test]
    fn lookup_finds_every_endpoint_by_its_method_and_path() {
        for endpoint in Endpoint::ALL {
            assert_eq!(
                Endpoint::lookup(&endpoint.method(), endpoint.path()),
                Some(endpoint)
            );
        }
    }

    #[test]
    fn lookup_rejects_other_methods_and_paths() {
        assert_eq!(Endpoint::lookup(&Method::POST, "/hello"), None);
        assert_eq!(Endpoint::lookup(&Method::GET, "/login"), None);
        assert_eq!(Endpoint::lookup(&Method::PUT, "/echo"), None);
        assert_eq!(Endpoint::lookup(&Method::GET, "/hello/"), None);
    }
}
