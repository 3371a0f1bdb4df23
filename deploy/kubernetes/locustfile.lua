-- The locustfile the Kubernetes deployment runs: Locust's quickstart, line by line in Lua
-- (a copy of examples/quickstart.lua; docs/lua-api.md shows it beside the Python original).
-- kustomize turns this file into the ConfigMap `locusta-locustfile`, mounted at /locustfile
-- in the master and worker pods. Edit it and `kubectl apply -k` again: the ConfigMap gets a
-- new name (kustomize's content hash), so both Deployments roll to the new file together.
-- Paths only: the host comes from the master's --host (master-deployment.yaml).

QuickstartUser = HttpUser {
    wait_time = between(1, 5),
}

task()
function QuickstartUser:hello_world()
    self.client:get("/hello")
    self.client:get("/world")
end

task(3)
function QuickstartUser:view_items()
    for item_id = 0, 9 do
        self.client:get("/item?id=" .. item_id, { name = "/item" })
        sleep(1)
    end
end

function QuickstartUser:on_start()
    self.client:post("/login", { json = { username = "foo", password = "bar" } })
end
