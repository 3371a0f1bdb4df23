//! The version checks of the handshake. Each returns the sentence the refused side prints.

use crate::protocol::{Hello, PROTOCOL_VERSION, Welcome};

/// The master's check of a worker's [`Hello`]: `Err(reason)` refuses it.
///
/// Only the protocol version must match; a different Locusta version with the same protocol
/// is accepted (the caller logs it).
pub fn check_hello(hello: &Hello, master_version: &str) -> Result<(), String> {
    if hello.protocol_version != PROTOCOL_VERSION {
        return Err(format!(
            "protocol version mismatch: the worker speaks protocol {} (Locusta {}), the master \
             protocol {PROTOCOL_VERSION} (Locusta {master_version}); run the same Locusta \
             version on the master and all workers",
            hello.protocol_version,
            or_unknown(&hello.locusta_version),
        ));
    }
    if hello.worker_id.is_empty() {
        return Err("the worker sent no worker id".to_owned());
    }
    Ok(())
}

/// The worker's check of the master's [`Welcome`] (a master of another protocol version would
/// have refused, but an older master may not know to).
pub fn check_welcome(welcome: &Welcome, worker_version: &str) -> Result<(), String> {
    if welcome.protocol_version != PROTOCOL_VERSION {
        return Err(format!(
            "protocol version mismatch: the master speaks protocol {} (Locusta {}), this worker \
             protocol {PROTOCOL_VERSION} (Locusta {worker_version}); run the same Locusta \
             version on the master and all workers",
            welcome.protocol_version,
            or_unknown(&welcome.locusta_version),
        ));
    }
    Ok(())
}

/// The master's check of a worker's user classes against its own.
pub(crate) fn check_classes(master: &[String], worker: &[String]) -> Result<(), String> {
    if master == worker {
        return Ok(());
    }
    Err(format!(
        "the worker's locustfile defines the user classes [{}], the master's [{}]; run the same \
         locustfile everywhere (or start the worker with -f - to get the master's)",
        worker.join(", "),
        master.join(", ")
    ))
}

fn or_unknown(version: &str) -> &str {
    if version.is_empty() {
        "unknown"
    } else {
        version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello(protocol_version: u32) -> Hello {
        Hello {
            protocol_version,
            locusta_version: "9.0.0".into(),
            worker_id: "w".into(),
            hostname: "h".into(),
            pid: 1,
            wants_locustfile: false,
        }
    }

    #[test]
    fn same_protocol_is_accepted_whatever_the_release() {
        assert_eq!(check_hello(&hello(PROTOCOL_VERSION), "0.1.0"), Ok(()));
    }

    #[test]
    fn other_protocol_is_refused_with_both_versions() {
        let reason = check_hello(&hello(PROTOCOL_VERSION + 1), "0.1.0").unwrap_err();
        assert_eq!(
            reason,
            format!(
                "protocol version mismatch: the worker speaks protocol {} (Locusta 9.0.0), the \
                 master protocol {PROTOCOL_VERSION} (Locusta 0.1.0); run the same Locusta \
                 version on the master and all workers",
                PROTOCOL_VERSION + 1
            )
        );
    }

    #[test]
    fn classes_must_match() {
        let a = vec!["A".to_owned(), "B".to_owned()];
        let b = vec!["A".to_owned()];
        assert!(check_classes(&a, &a).is_ok());
        let reason = check_classes(&a, &b).unwrap_err();
        assert!(reason.contains("[A], the master's [A, B]"), "{reason}");
    }
}
