-- wrk: POST the four review bodies in turn on every connection.
local bodies = {}
local names = {"pod-allowed", "pod-denied", "deploy-allowed", "deploy-denied"}
local dir = os.getenv("REVIEWS")
for i, n in ipairs(names) do
  local f = assert(io.open(dir .. "/" .. n .. ".json", "rb"))
  bodies[i] = f:read("*a")
  f:close()
end
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/validate", {["Content-Type"] = "application/json"}, bodies[i])
end
