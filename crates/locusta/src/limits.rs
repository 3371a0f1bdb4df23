//! The open-file limit: every user holds at least one socket.

/// Raises the soft open-file limit to the hard limit (Locust raises it to 10,000) and warns,
/// naming the fix, when `users` connections cannot fit under it.
pub fn raise_open_file_limit(users: u64) {
    let limit = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(error) => {
            tracing::warn!("could not raise the open file limit: {error}");
            return;
        }
    };
    // Room for the process's own files, listeners, and log/report files.
    const RESERVED: u64 = 64;
    let available = limit.saturating_sub(RESERVED);
    if users > available {
        tracing::warn!(
            "{users} users need at least {users} open connections, but this process may only open {limit} files \
             (the hard limit, `ulimit -Hn`): users beyond about {available} will fail with 'Too many open files'. \
             Raise the hard limit (e.g. `ulimit -n 1000000` as root, or LimitNOFILE= in a systemd unit) \
             or spread the users over more processes."
        );
    } else {
        tracing::debug!("open file limit is {limit}");
    }
}
