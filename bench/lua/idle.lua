-- Benchmark: one GET, then idle on the keep-alive connection; the Lua twin of IdleUser.
IdleUser = HttpUser {
    wait_time = constant(3600),
}

function IdleUser:on_start()
    self.client:get("/")
end

task()
function IdleUser:idle() end
