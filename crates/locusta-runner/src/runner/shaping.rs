//! Driving a load shape: Locust's `start_shape` and `shape_worker`.

use std::time::Duration;

use tokio::time::Instant;

use super::{Flow, Runner, later};
use crate::population::Population;
use crate::shape::{LoadShape, ShapeContext, ShapeError, ShapeOptions, ShapeTick};

/// How often a running shape is asked where the test should be (Locust: about once a second).
const TICK_INTERVAL: Duration = Duration::from_secs(1);

/// A runner's shape and, while it drives the test, its clock and last result.
pub(super) struct ShapeDriver {
    shape: Box<dyn LoadShape>,
    run: Option<ShapeRun>,
}

struct ShapeRun {
    started: Instant,
    next_tick: Instant,
    last: Option<ShapeTick>,
    options: ShapeOptions,
}

impl ShapeDriver {
    pub(super) fn new(shape: Box<dyn LoadShape>) -> Self {
        Self { shape, run: None }
    }

    pub(super) fn is_running(&self) -> bool {
        self.run.is_some()
    }

    /// When the running shape is next due for a tick.
    pub(super) fn next_tick(&self) -> Option<Instant> {
        self.run.as_ref().map(|run| run.next_tick)
    }

    /// Stops ticking; a later start begins again from zero.
    pub(super) fn end(&mut self) {
        self.run = None;
    }
}

/// What a tick asks of the runner.
enum Outcome {
    Unchanged,
    Apply(ShapeTick),
    End(Option<ShapeError>),
}

impl<P: Population> Runner<P> {
    /// Locust's `start_shape`: the shape's clock starts now and its first tick is due at once.
    pub(super) fn start_shape(&mut self, options: ShapeOptions) {
        let idle = self.is_idle();
        let Some(driver) = &mut self.shape else {
            tracing::warn!("No load shape to start: the locustfile defines none");
            return;
        };
        if driver.is_running() {
            tracing::info!("There is an ongoing shape test running. Editing is disabled");
            return;
        }
        let common = driver.shape.use_common_options();
        tracing::info!("Shape test starting ({})", driver.shape.name());
        let now = Instant::now();
        driver.run = Some(ShapeRun {
            started: now,
            next_tick: now,
            last: None,
            options: if common {
                options
            } else {
                ShapeOptions::default()
            },
        });
        if idle {
            self.deadline = None;
        }
        if common && let Some(run_time) = options.run_time {
            self.deadline = Some(later(now, run_time));
        }
    }

    /// One tick of the running shape: a new result becomes the target, the same result changes
    /// nothing, no result (or an error) ends the shape test.
    pub(super) async fn tick_shape(&mut self) -> Flow {
        let user_count = self.roster.alive() as u64;
        let Some(driver) = &mut self.shape else {
            return Flow::Continue;
        };
        let Some(run) = &mut driver.run else {
            return Flow::Continue;
        };
        let context = ShapeContext {
            run_time: Instant::now().saturating_duration_since(run.started),
            user_count,
            options: run.options,
        };
        let result = driver.shape.tick(&context);
        // After a slow tick the next one comes at once, then on the usual beat again.
        run.next_tick = later(run.next_tick, TICK_INTERVAL).max(Instant::now());
        let outcome = match result {
            Ok(None) => Outcome::End(None),
            Ok(Some(tick)) if run.last.as_ref() == Some(&tick) => Outcome::Unchanged,
            Ok(Some(tick)) => {
                run.last = Some(tick.clone());
                Outcome::Apply(tick)
            }
            Err(error) => Outcome::End(Some(error)),
        };
        match outcome {
            Outcome::Unchanged => Flow::Continue,
            Outcome::Apply(tick) => match self.check_tick(&tick) {
                Ok(selection) => {
                    tracing::info!(
                        "Shape test updating to {} users at {:.2} spawn rate",
                        tick.users,
                        tick.spawn_rate
                    );
                    self.retarget(tick.users, tick.spawn_rate, selection);
                    Flow::Continue
                }
                Err(message) => self.end_shape(Some(ShapeError::msg(message))).await,
            },
            Outcome::End(error) => self.end_shape(error).await,
        }
    }

    /// The selection a tick asks for, or why the tick is invalid.
    fn check_tick(&self, tick: &ShapeTick) -> Result<Vec<usize>, String> {
        if !(tick.spawn_rate.is_finite() && tick.spawn_rate > 0.0) {
            return Err(format!(
                "spawn rate {} is not a finite number > 0",
                tick.spawn_rate
            ));
        }
        self.resolve_classes(tick.user_classes.as_deref())
    }

    /// Ends the shape test: the run (headless) or the test (web UI), as Locust does. An error
    /// is also recorded in the exceptions table, so the run fails.
    async fn end_shape(&mut self, error: Option<ShapeError>) -> Flow {
        let Some(driver) = &mut self.shape else {
            return Flow::Continue;
        };
        driver.end();
        let name = driver.shape.name().to_owned();
        match error {
            None => tracing::info!("Shape test stopping"),
            Some(error) => {
                tracing::error!("Load shape {name} failed, stopping the test: {error}");
                self.totals
                    .record_exception(&format!("load shape {name}: {error}"), &error.traceback);
                self.publish();
            }
        }
        if self.config.quit_at_run_time {
            tracing::info!("Shape test completed, shutting down");
            Flow::Quit
        } else {
            self.begin_stop();
            Flow::Continue
        }
    }
}
