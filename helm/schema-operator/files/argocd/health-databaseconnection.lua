-- Argo CD health of a dbops.io DatabaseConnection, read from the conditions schema-operator writes.
local hs = {}
local function condition(type)
  if obj.status ~= nil and obj.status.conditions ~= nil then
    for _, c in ipairs(obj.status.conditions) do
      if c.type == type then
        return c
      end
    end
  end
  return nil
end
local function isTrue(c)
  return c ~= nil and c.status == "True"
end
local function say(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  if c ~= nil and c.reason ~= nil then
    return c.reason
  end
  return fallback
end
if obj.status == nil or obj.status.observedGeneration == nil or obj.metadata.generation == nil
    or obj.status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for schema-operator to read the latest spec"
  return hs
end
local stalled = condition("Stalled")
if isTrue(stalled) then
  hs.status = "Degraded"
  hs.message = say(stalled, "Stalled")
  return hs
end
local ready = condition("Ready")
if isTrue(ready) and not isTrue(condition("Reconciling")) then
  hs.status = "Healthy"
  hs.message = say(ready, "Connected")
  return hs
end
if ready ~= nil and ready.status == "False" and not isTrue(condition("Reconciling")) then
  -- Not connected and not working on it: the probe failed (wrong password, unreachable host, ...).
  hs.status = "Degraded"
  hs.message = say(ready, "Not connected")
  return hs
end
hs.status = "Progressing"
hs.message = say(ready, "Connecting")
return hs
