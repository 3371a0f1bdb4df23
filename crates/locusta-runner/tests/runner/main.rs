//! The runner on a real engine under paused tokio time, organised by feature: Locust's spawn
//! schedule and class mix, class selections, load shapes, statistics resets, graceful stops
//! and distributed runs.

mod current_percentiles;
mod distributed;
mod selection;
mod shapes;
mod spawning;
mod stats_reset;
mod stopping;
mod support;
mod users_that_stop_themselves;
mod worker_orders;
