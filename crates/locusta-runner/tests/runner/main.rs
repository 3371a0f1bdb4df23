//! The runner on a real engine under paused tokio time, organised by feature: Locust's spawn
//! schedule and class mix, class selections, load shapes, and statistics resets.

mod distributed;
mod selection;
mod shapes;
mod spawning;
mod stats_reset;
mod support;
mod worker_orders;
