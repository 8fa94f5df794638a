-- Argo CD health of a dbops.io DatabaseSchemaSet, read from the conditions schema-operator writes.
-- Each child DatabaseSchema has its own health; this one is the rollout's.
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
  hs.message = say(stalled, "The rollout stopped")
  return hs
end
local ready = condition("Ready")
local approval = condition("ApprovalPending")
if isTrue(approval) and not isTrue(condition("Reconciling")) and not isTrue(ready) then
  hs.status = "Suspended"
  hs.message = say(approval, "Waiting for approval (annotation dbops.io/approve)")
  return hs
end
if isTrue(ready) and not isTrue(condition("Reconciling")) then
  hs.status = "Healthy"
  hs.message = say(ready, "Every tenant is up to date")
  return hs
end
hs.status = "Progressing"
hs.message = say(ready, "Rolling out")
return hs
