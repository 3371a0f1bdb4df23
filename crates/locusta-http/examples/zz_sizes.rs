use locusta_http::{HttpConfig, HttpSession};
use locusta_stats::{Clock, Recorder};
fn main() {
    let config = HttpConfig::builder().build().unwrap();
    let s = HttpSession::new(&config, Some("http://127.0.0.1:1"), Recorder::new(Clock::start())).unwrap();
    let b = s.get("/");
    println!("builder {}", size_of_val(&b));
    let f = b.send();
    println!("send future {}", size_of_val(&f));
    println!("response {}", size_of::<locusta_http::Response>());
}
