//! Accepting connections and serving HTTP/1.1 on them until shutdown.

use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::HttpService;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::body::Body;
use crate::options::Mode;
use crate::service::{Fast, Full, Shared};

/// Pause after a failed `accept` (typically out of file descriptors) before retrying,
/// so that the loop does not spin while the condition lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);

/// Accepts connections until `shared.shutdown` is cancelled, serving each on its own
/// task tracked by `tasks`. Dropping the listener on return closes the port.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mode: Mode,
    tasks: TaskTracker,
) {
    let mut http = http1::Builder::new();
    // The default 30 s header timeout needs a timer; under paused tokio time it would
    // fire as soon as a test idles and drop keep-alive connections. Not worth it here.
    http.header_read_timeout(None);
    let shutdown = shared.shutdown.clone();
    loop {
        let stream = tokio::select! {
            biased;
            () = shutdown.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        // Small responses must not wait for Nagle's algorithm.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        match mode {
            Mode::Full => tasks.spawn(serve(&http, stream, Full(shared.clone()), shutdown.clone())),
            Mode::Fast => tasks.spawn(serve(&http, stream, Fast(shared.clone()), shutdown.clone())),
        };
    }
}

/// Serves one connection (keep-alive, as many requests as the client sends) until the
/// client closes it or, on shutdown, until its in-flight response is finished.
fn serve<S>(
    http: &http1::Builder,
    stream: TcpStream,
    service: S,
    shutdown: CancellationToken,
) -> impl Future<Output = ()> + use<S>
where
    S: HttpService<Incoming, ResBody = Body>,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let connection = http.serve_connection(TokioIo::new(stream), service);
    async move {
        let mut connection = std::pin::pin!(connection);
        let result = tokio::select! {
            result = connection.as_mut() => result,
            () = shutdown.cancelled() => {
                connection.as_mut().graceful_shutdown();
                connection.await
            }
        };
        // Clients resetting connections, and `/close` breaking them, are routine here.
        if let Err(error) = result {
            tracing::debug!(%error, "connection ended with an error");
        }
    }
}
