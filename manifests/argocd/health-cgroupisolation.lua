-- Argo CD health check for cgroupns.dev/CgroupIsolation.
--
-- Reads the kstatus conditions the operator writes (Ready, Reconciling, Stalled) and, like kstatus,
-- trusts them only once status.observedGeneration has caught up with metadata.generation: until
-- then the conditions describe an older spec. Written for Lua 5.1 (Argo CD's interpreter), so no
-- goto, integer division or other later additions.
--
--   no status yet, or an older generation observed -> Progressing
--   Stalled=True                                    -> Degraded   (bad spec, or the operator gave up)
--   Reconciling=True                                -> Progressing
--   Ready=True                                      -> Healthy
--   Ready=False, not reconciling                    -> Degraded   (settled, with failures)
--   anything else                                   -> Progressing

local function condition(conditions, wanted)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == wanted then
      return c
    end
  end
  return nil
end

local function describe(c, fallback)
  if c == nil then
    return fallback
  end
  local text = c.message
  if text == nil or text == "" then
    text = fallback
  end
  if c.reason ~= nil and c.reason ~= "" then
    return c.reason .. ": " .. text
  end
  return text
end

local function check(obj)
  local hs = {}
  if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then
    hs.status = "Progressing"
    hs.message = "Deleting: the node agents are reverting the isolated containers"
    return hs
  end

  local status = obj.status
  if status == nil or status.conditions == nil or #status.conditions == 0 then
    hs.status = "Progressing"
    hs.message = "Waiting for the operator to report status"
    return hs
  end

  local generation = nil
  if obj.metadata ~= nil then
    generation = obj.metadata.generation
  end
  local observed = status.observedGeneration
  if generation ~= nil and (observed == nil or observed < generation) then
    hs.status = "Progressing"
    hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
    return hs
  end

  local conditions = status.conditions
  local stalled = condition(conditions, "Stalled")
  if stalled ~= nil and stalled.status == "True" then
    hs.status = "Degraded"
    hs.message = describe(stalled, "Stalled")
    return hs
  end

  local reconciling = condition(conditions, "Reconciling")
  if reconciling ~= nil and reconciling.status == "True" then
    hs.status = "Progressing"
    hs.message = describe(reconciling, "Reconciling")
    return hs
  end

  local ready = condition(conditions, "Ready")
  if ready ~= nil and ready.status == "True" then
    hs.status = "Healthy"
    hs.message = describe(ready, "Ready")
    return hs
  end
  if ready ~= nil and ready.status == "False" then
    hs.status = "Degraded"
    hs.message = describe(ready, "Not ready")
    return hs
  end

  hs.status = "Progressing"
  hs.message = describe(ready, "Waiting for the Ready condition")
  return hs
end

return check(obj)
