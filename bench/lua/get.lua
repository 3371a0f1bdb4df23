-- Benchmark: back-to-back GETs, the Lua twin of bench_users' GetUser.
GetUser = HttpUser {}

task()
function GetUser:get()
    self.client:get("/")
end
