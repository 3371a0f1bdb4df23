//! A TCP relay between workers and their master that also reads every statistics report the
//! workers send, so a test can merge the raw histograms itself and compare with the master.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use locusta_cluster::protocol::{PREAMBLE, ToMaster, decode_message};
use locusta_stats::{Snapshot, SnapshotDecoder};

/// Relays connections from `port()` to the master, merging the workers' reports.
pub struct StatsTap {
    port: u16,
    merged: Arc<Mutex<Snapshot>>,
}

impl StatsTap {
    /// Listens on a free loopback port; each connection is relayed to `master_port`.
    pub fn start(master_port: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let merged = Arc::new(Mutex::new(Snapshot::default()));
        let sink = Arc::clone(&merged);
        std::thread::spawn(move || {
            for worker in listener.incoming() {
                let Ok(worker) = worker else { return };
                let Ok(master) = TcpStream::connect(("127.0.0.1", master_port)) else {
                    continue;
                };
                relay(worker, master, Arc::clone(&sink));
            }
        });
        Self { port, merged }
    }

    /// Where workers connect.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every report relayed so far, merged.
    pub fn merged(&self) -> Snapshot {
        self.merged.lock().unwrap().clone()
    }
}

fn relay(worker: TcpStream, master: TcpStream, merged: Arc<Mutex<Snapshot>>) {
    let (mut from_master, mut to_worker) =
        (master.try_clone().unwrap(), worker.try_clone().unwrap());
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from_master, &mut to_worker);
        let _ = to_worker.shutdown(Shutdown::Both);
    });
    std::thread::spawn(move || {
        let (mut from_worker, mut to_master) = (worker, master);
        let _ = read_frames(&mut from_worker, &mut to_master, &merged);
        let _ = to_master.shutdown(Shutdown::Both);
    });
}

/// Copies the worker's bytes to the master frame by frame, decoding the statistics reports.
fn read_frames(
    from: &mut TcpStream,
    to: &mut TcpStream,
    merged: &Mutex<Snapshot>,
) -> std::io::Result<()> {
    let mut preamble = [0u8; PREAMBLE.len()];
    from.read_exact(&mut preamble)?;
    to.write_all(&preamble)?;
    let mut decoder = SnapshotDecoder::new();
    loop {
        let mut length = [0u8; 4];
        from.read_exact(&mut length)?;
        let mut payload = vec![0u8; u32::from_be_bytes(length) as usize];
        from.read_exact(&mut payload)?;
        if let Ok(ToMaster::Stats(report)) = decode_message::<ToMaster>(&payload) {
            let delta = decoder
                .decode(&report.snapshot)
                .expect("a valid statistics report");
            merged.lock().unwrap().merge(&delta);
        }
        to.write_all(&length)?;
        to.write_all(&payload)?;
    }
}
