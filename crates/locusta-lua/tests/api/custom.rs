//! Users without HTTP: custom timings (`record`, `measure`), sleeping, clocks, logging, JSON.

use crate::support::{rows, run_script};

#[tokio::test(start_paused = true)]
async fn record_and_measure_custom_timings() {
    let (view, _target) = run_script(
        r#"
TcpUser = User {}

task()
function TcpUser:talk()
    assert(self.client == nil, "User has no client")
    record { request_type = "tcp", name = "connect", response_time = 12.5, response_length = 3 }
    record { request_type = "tcp", name = "connect", response_time = 20, exception = "refused" }
    local reply, extra = measure("tcp", "echo", function(msg)
        sleep(0.25)
        return msg .. msg, "extra"
    end, "ab")
    assert(reply == "abab" and extra == "extra")
    local nothing, err = measure("tcp", "broken", function() error("boom") end)
    assert(nothing == nil and string.find(tostring(err), "boom", 1, true))
    local t0 = time.perf_counter()
    time.sleep(1.5)
    local waited = time.perf_counter() - t0
    assert(waited >= 1.5 and waited < 1.6, waited)
    assert(time.time() > 1.6e9)
    error(StopUser)
end
"#,
    )
    .await;
    let rows = rows(&view);
    assert_eq!(
        rows,
        vec![
            ("tcp".into(), "broken".into(), 1, 1),
            ("tcp".into(), "connect".into(), 2, 1),
            ("tcp".into(), "echo".into(), 1, 0),
        ]
    );
    let entries = view.entries();
    let echo = entries.iter().find(|row| row.name() == "echo").unwrap();
    assert!(
        (250.0..260.0).contains(&echo.avg_response_time_ms()),
        "{}",
        echo.avg_response_time_ms()
    );
    assert_eq!(echo.avg_content_length(), 4.0);
    let connect = entries.iter().find(|row| row.name() == "connect").unwrap();
    assert!(
        (12.0..=13.0).contains(&connect.min_response_time_ms()),
        "{}",
        connect.min_response_time_ms()
    );
    let errors: Vec<String> = view
        .errors()
        .iter()
        .map(|e| e.error().to_string())
        .collect();
    assert!(errors.contains(&"refused".to_string()), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("boom")), "{errors:?}");
}

#[tokio::test(start_paused = true)]
async fn json_and_logging_helpers() {
    run_script(
        r#"
Helper = User {}

task()
function Helper:check()
    local text = json.encode({ a = 1, b = { true, false }, c = "x" })
    assert(text == '{"a":1,"b":[true,false],"c":"x"}', text)
    local back = json.decode('{"n": 2.5, "list": [1, null, 3], "s": "é"}')
    assert(back.n == 2.5 and back.list[2] == json.null and #back.list == 3 and back.s == "é")
    assert(json.dumps({}) == "{}")
    log.info("hello from", "Lua", 42)
    log.debug("details")
    log.warning("careful")
    log.error("bad")
    error(StopUser)
end
"#,
    )
    .await;
}
