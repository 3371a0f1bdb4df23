-- A prediction-style JSON API checked with catch_response: the user posts features, checks
-- the label in the answer, and marks the request failed when the model gets it wrong or
-- rejects the input.
-- locusta -f examples/predict.lua -H http://127.0.0.1:8000 --headless -u 5 -r 5 -t 30s

PredictUser = HttpUser {
    wait_time = constant(0.1),
}

task(4)
function PredictUser:predict()
    local features = { math.random() * 2 - 1, math.random() * 2 - 1, math.random() * 2 - 1 }
    local sum = features[1] + features[2] + features[3]
    local expected = if sum > 0 then "positive" else "negative"

    local response = self.client:post("/predict", { json = { features = features }, catch_response = true })
    local ok, prediction = pcall(function()
        return response:json()
    end)
    if not ok then
        response:failure("Answer is not JSON")
    elseif prediction.label ~= expected then
        response:failure("Expected " .. expected .. ", got " .. tostring(prediction.label))
    else
        response:success()
    end
end

task(1)
function PredictUser:empty_input()
    -- The model must reject an empty feature list with 400; anything else is a failure.
    local response = self.client:post("/predict", {
        json = { features = json.decode("[]") },
        catch_response = true,
        name = "/predict (empty)",
    })
    if response.status_code == 400 then
        response:failure("Model rejected empty input")
    else
        response:failure("Empty input was accepted with status " .. response.status_code)
    end
end
