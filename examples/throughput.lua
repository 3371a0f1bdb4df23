-- constant_throughput: each user starts at most two tasks per second, however fast the
-- server answers (Locust's constant_throughput; the rate is per user, not per test).
-- locusta -f examples/throughput.lua -H http://127.0.0.1:8000 --headless -u 10 -r 10 -t 30s

SteadyUser = HttpUser {
    wait_time = constant_throughput(2),
}

task()
function SteadyUser:index()
    self.client:get("/")
end
