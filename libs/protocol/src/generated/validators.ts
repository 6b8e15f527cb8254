// DO NOT EDIT: generated from schemas/*.schema.json by libs/protocol/scripts/generate.mjs
// @ts-nocheck
/* eslint-disable */
import __runtime_ucs2length_mod from "ajv/dist/runtime/ucs2length.js";
// CommonJS interop differs between Node (module.exports) and bundlers (exports.default).
const __runtime_ucs2length =
  typeof __runtime_ucs2length_mod === "function" ? { default: __runtime_ucs2length_mod } : __runtime_ucs2length_mod;
("use strict");
export const AgentSpec = validate20;
const schema31 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/agent-spec.v1.schema.json",
  title: "AgentSpec",
  description: "An agent definition as snapshotted into a run at submission: model, prompt, tools, limits.",
  type: "object",
  additionalProperties: false,
  required: ["name", "provider", "model", "systemPrompt", "tools", "maxTurns"],
  properties: {
    name: { type: "string", minLength: 1, maxLength: 128 },
    provider: {
      type: "string",
      pattern: "^[A-Za-z0-9_-]{1,64}$",
      description:
        "Provider name known to the llm-caller (a subject token: commands go to <prefix>.run.<id>.cmd.llm.<turn>.<provider>): an endpoint of its providers file (CAIRN_PROVIDERS_FILE: openai, azure, an OpenAI-compatible server, anthropic), openai or anthropic from their environment variables, or scripted (the deterministic scripted model).",
    },
    model: { type: "string", minLength: 1 },
    systemPrompt: { type: "string" },
    tools: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "description", "inputSchema"],
        properties: {
          name: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
          description: { type: "string" },
          inputSchema: { type: "object", additionalProperties: true },
          requiresApproval: { type: "boolean", description: "Calls wait for a human approve/deny before they run." },
          argsEditable: {
            type: "boolean",
            description:
              "An approver may replace the call's arguments when approving it (`cairn approve <run> <call> --args '{…}'`); only with requiresApproval. The tool runs with the edited arguments, and the model reads with the result that a human edited them.",
          },
        },
      },
      description: "Tools the model may call, with the schemas shown to it.",
    },
    maxOutputTokens: {
      type: "integer",
      minimum: 1,
      description: "The most tokens one model response may have (the provider endpoint's maxOutputTokens otherwise).",
    },
    toolCallHook: {
      const: true,
      description:
        "A hook in the planner's agents module (defineAgent hooks.toolCall) sees each call to a tool that needs no approval before it runs and may refuse it (recorded as the call's failed result, kind denied_by_hook). A planner without the code refuses every such call (kind hook_unavailable).",
    },
    instructionsInCode: {
      const: true,
      description:
        "The agent's instructions are a function of the run's state in the planner's agents module (defineAgent): each model command carries the turn's system prompt (llm.command instructions); systemPrompt is not used.",
    },
    guardrails: {
      type: "object",
      additionalProperties: false,
      properties: {
        input: { type: "array", items: { $ref: "#/$defs/guardrail" } },
        output: { type: "array", items: { $ref: "#/$defs/guardrail" } },
      },
      description:
        "Checks of the task (input, before the first model call) and of the final answer (output, before the run ends), in order; the planner records their verdict (evt.guard.<turn>.<point>). A tripwire fails the run (reason guardrail_tripped) or pauses it for a human.",
    },
    handoffs: {
      type: "array",
      items: { type: "string", minLength: 1, maxLength: 128 },
      description:
        "Agents this one may hand the run to (names of agents in the run's team, snapshotted at submission): the model sees a built-in tool `handoff` ({agent, reason}); the planner records its result, and the next model turn is the new agent's (its prompt, model, provider, tools and limits; the conversation carries over).",
    },
    conversation: {
      type: "boolean",
      description:
        "The run is a conversation: an answer does not end it; it waits for the next message (cairn send), and ends after an answer once a message asked it to (end), or by cancel. maxTurns bounds its model turns in all.",
    },
    output: {
      type: "object",
      additionalProperties: false,
      required: ["schema"],
      properties: {
        name: {
          type: "string",
          pattern: "^[A-Za-z0-9_-]{1,64}$",
          description: "The schema's name, sent to providers with native structured output (default: output).",
        },
        schema: {
          type: "object",
          additionalProperties: true,
          description: "JSON Schema (draft 2020-12) that the final answer, parsed as JSON, must validate against.",
        },
        maxAttempts: {
          type: "integer",
          minimum: 1,
          maximum: 10,
          description:
            "Answers the model may give in all (default 3): an answer that is not JSON or fails the schema goes back to the model with the validation errors as a new model turn, until this many answers failed; then the run fails with reason invalid_output.",
        },
      },
      description:
        "Structured output: the run's final answer must be JSON that validates against `schema`; the run's end and status carry the parsed value as `output`. Checked from the log alone (the same check in the planner, cairn status and replay). Providers with native structured output (OpenAI's json_schema response format) are asked for it; the others get the schema in the system prompt.",
    },
    maxTurns: { type: "integer", minimum: 1, maximum: 10000 },
    temperature: { type: "number" },
    maxTokens: { type: "integer", minimum: 1, description: "Token budget (input + output) for the whole run." },
    maxCostUsd: { type: "number", minimum: 0, description: "Cost budget in USD, priced with `pricing`." },
    contextBudgetTokens: {
      type: "integer",
      minimum: 100,
      description:
        "When the prompt would exceed this (estimated at 4 characters a token), old tool results are truncated with a note, oldest first.",
    },
    summarize: {
      type: "object",
      additionalProperties: false,
      required: ["keepRecentTurns"],
      properties: {
        keepRecentTurns: {
          type: "integer",
          minimum: 1,
          description:
            "Turns kept verbatim after the summary (at least the last: the model reads the results it asked for as they are).",
        },
        instructions: { type: "string", description: "Replaces Cairn's default summarisation instructions." },
      },
      description:
        "When the prompt would exceed contextBudgetTokens, the turns older than the last keepRecentTurns are first summarised by a model call that is itself a journaled step (evt.summary.<turn>); the summary then stands in for them in every later prompt.",
    },
    onBudgetExceeded: {
      enum: ["fail", "approve"],
      description:
        "What a run does before a model call that a budget (maxTokens, maxCostUsd, deadlineMs) no longer allows: fail (the default), or pause for a human; each approval starts another budget of the same size from that point.",
    },
    loopGuard: {
      type: "object",
      additionalProperties: false,
      required: ["onTrip"],
      properties: {
        sameCall: {
          type: "integer",
          minimum: 2,
          maximum: 10000,
          description:
            "Trips when the model has asked for the same tool with the same arguments (compared as canonical JSON) this many times since the run began or since the last approval to go on (counted over every call of every completed turn).",
        },
        idleTurns: {
          type: "integer",
          minimum: 1,
          maximum: 10000,
          description:
            "Trips after this many consecutive idle turns since the run began or since the last approval to go on. A turn is idle when none of its tool results is new: each repeats the tool, the arguments (canonical JSON) and the outcome (the same output, or the same error kind and message) of a call earlier in the run, in an earlier turn or earlier in the same turn.",
        },
        onTrip: {
          enum: ["pause", "fail"],
          description:
            "pause: the run waits for a human before its next model call (status awaiting_approval with loopPause; `cairn approve <runId> loop` goes on with the counts reset, `cairn deny <runId> loop` ends it failed); fail: the run ends failed with reason stuck_loop.",
        },
      },
      description:
        "Stuck-loop guard, checked before each model call after the first, from the run's log alone. Absent (the default, and every run submitted before the guard existed): no guard.",
    },
    deadlineMs: { type: "integer", minimum: 1, description: "The run must end within this many ms of its submission." },
    maxToolCallsPerTurn: {
      type: "integer",
      minimum: 1,
      maximum: 10000,
      description:
        "Calls a model response may have run: the planner answers each call past this many (by index) itself with an error result of kind too_many_calls, which the model reads; a call to a tool that requires approval still waits for the human's decision first. Absent (runs submitted before the setting existed): no cap.",
    },
    maxParallelToolCalls: {
      type: "integer",
      minimum: 1,
      maximum: 10000,
      description:
        "In-flight window: the planner commands at most this many of a turn's calls at a time (commanded and without a result: running, retrying, asleep or in a sub-agent run) and commands the next as results are recorded, in call order, approved calls after the others in the order of their approvals. Calls waiting for a human, or answered by the planner itself, take no place in it. Absent (runs submitted before the setting existed): no window, every call at once.",
    },
    pricing: {
      type: "object",
      additionalProperties: false,
      required: ["inputPerMTokUsd", "outputPerMTokUsd"],
      properties: { inputPerMTokUsd: { type: "number", minimum: 0 }, outputPerMTokUsd: { type: "number", minimum: 0 } },
      description: "USD per million tokens for this agent's model, from the planner's price table at submission.",
    },
  },
  $defs: {
    guardrail: {
      type: "object",
      additionalProperties: false,
      required: ["name", "onTrip"],
      properties: {
        name: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
        onTrip: { enum: ["fail", "pause"] },
        pattern: {
          type: "string",
          description:
            "Trips when this regular expression (JavaScript syntax, flag i with `ignoreCase`) matches the text.",
        },
        ignoreCase: { type: "boolean" },
        maxChars: { type: "integer", minimum: 1, description: "Trips when the text is longer than this." },
        message: { type: "string", description: "What the verdict says when it trips." },
        code: {
          const: true,
          description:
            "A check written in code (defineAgent in the planner's CAIRN_AGENTS_MODULE), found by name; a planner without it records a pause naming it.",
        },
        model: {
          type: "object",
          additionalProperties: false,
          required: ["instructions"],
          description:
            'A model-judged check: a journaled model call (cmd.check / evt.check) given these instructions and the text, answering {"tripped", "reason"}; a failed call or an answer that is no verdict trips it with a pause.',
          properties: {
            instructions: {
              type: "string",
              minLength: 1,
              description: "What trips the guardrail, for the judging model.",
            },
            provider: { type: "string", description: "The judge's provider (default: the agent's)." },
            model: { type: "string", description: "The judge's model (default: the agent's)." },
          },
        },
      },
    },
  },
};
const schema32 = {
  type: "object",
  additionalProperties: false,
  required: ["name", "onTrip"],
  properties: {
    name: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    onTrip: { enum: ["fail", "pause"] },
    pattern: {
      type: "string",
      description: "Trips when this regular expression (JavaScript syntax, flag i with `ignoreCase`) matches the text.",
    },
    ignoreCase: { type: "boolean" },
    maxChars: { type: "integer", minimum: 1, description: "Trips when the text is longer than this." },
    message: { type: "string", description: "What the verdict says when it trips." },
    code: {
      const: true,
      description:
        "A check written in code (defineAgent in the planner's CAIRN_AGENTS_MODULE), found by name; a planner without it records a pause naming it.",
    },
    model: {
      type: "object",
      additionalProperties: false,
      required: ["instructions"],
      description:
        'A model-judged check: a journaled model call (cmd.check / evt.check) given these instructions and the text, answering {"tripped", "reason"}; a failed call or an answer that is no verdict trips it with a pause.',
      properties: {
        instructions: { type: "string", minLength: 1, description: "What trips the guardrail, for the judging model." },
        provider: { type: "string", description: "The judge's provider (default: the agent's)." },
        model: { type: "string", description: "The judge's model (default: the agent's)." },
      },
    },
  },
};
const func1 = Object.prototype.hasOwnProperty;
const func2 = __runtime_ucs2length.default;
const pattern4 = new RegExp("^[A-Za-z0-9_-]{1,64}$", "u");
function validate20(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/agent-spec.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate20.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.name === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "name" },
        message: "must have required property '" + "name" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.provider === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "provider" },
        message: "must have required property '" + "provider" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.model === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "model" },
        message: "must have required property '" + "model" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.systemPrompt === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "systemPrompt" },
        message: "must have required property '" + "systemPrompt" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.tools === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "tools" },
        message: "must have required property '" + "tools" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.maxTurns === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "maxTurns" },
        message: "must have required property '" + "maxTurns" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema31.properties, key0)) {
        const err6 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.name !== undefined) {
      let data0 = data.name;
      if (typeof data0 === "string") {
        if (func2(data0) > 128) {
          const err7 = {
            instancePath: instancePath + "/name",
            schemaPath: "#/properties/name/maxLength",
            keyword: "maxLength",
            params: { limit: 128 },
            message: "must NOT have more than 128 characters",
          };
          if (vErrors === null) {
            vErrors = [err7];
          } else {
            vErrors.push(err7);
          }
          errors++;
        }
        if (func2(data0) < 1) {
          const err8 = {
            instancePath: instancePath + "/name",
            schemaPath: "#/properties/name/minLength",
            keyword: "minLength",
            params: { limit: 1 },
            message: "must NOT have fewer than 1 characters",
          };
          if (vErrors === null) {
            vErrors = [err8];
          } else {
            vErrors.push(err8);
          }
          errors++;
        }
      } else {
        const err9 = {
          instancePath: instancePath + "/name",
          schemaPath: "#/properties/name/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.provider !== undefined) {
      let data1 = data.provider;
      if (typeof data1 === "string") {
        if (!pattern4.test(data1)) {
          const err10 = {
            instancePath: instancePath + "/provider",
            schemaPath: "#/properties/provider/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err10];
          } else {
            vErrors.push(err10);
          }
          errors++;
        }
      } else {
        const err11 = {
          instancePath: instancePath + "/provider",
          schemaPath: "#/properties/provider/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.model !== undefined) {
      let data2 = data.model;
      if (typeof data2 === "string") {
        if (func2(data2) < 1) {
          const err12 = {
            instancePath: instancePath + "/model",
            schemaPath: "#/properties/model/minLength",
            keyword: "minLength",
            params: { limit: 1 },
            message: "must NOT have fewer than 1 characters",
          };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      } else {
        const err13 = {
          instancePath: instancePath + "/model",
          schemaPath: "#/properties/model/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (data.systemPrompt !== undefined) {
      if (typeof data.systemPrompt !== "string") {
        const err14 = {
          instancePath: instancePath + "/systemPrompt",
          schemaPath: "#/properties/systemPrompt/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
    }
    if (data.tools !== undefined) {
      let data4 = data.tools;
      if (Array.isArray(data4)) {
        const len0 = data4.length;
        for (let i0 = 0; i0 < len0; i0++) {
          let data5 = data4[i0];
          if (data5 && typeof data5 == "object" && !Array.isArray(data5)) {
            if (data5.name === undefined) {
              const err15 = {
                instancePath: instancePath + "/tools/" + i0,
                schemaPath: "#/properties/tools/items/required",
                keyword: "required",
                params: { missingProperty: "name" },
                message: "must have required property '" + "name" + "'",
              };
              if (vErrors === null) {
                vErrors = [err15];
              } else {
                vErrors.push(err15);
              }
              errors++;
            }
            if (data5.description === undefined) {
              const err16 = {
                instancePath: instancePath + "/tools/" + i0,
                schemaPath: "#/properties/tools/items/required",
                keyword: "required",
                params: { missingProperty: "description" },
                message: "must have required property '" + "description" + "'",
              };
              if (vErrors === null) {
                vErrors = [err16];
              } else {
                vErrors.push(err16);
              }
              errors++;
            }
            if (data5.inputSchema === undefined) {
              const err17 = {
                instancePath: instancePath + "/tools/" + i0,
                schemaPath: "#/properties/tools/items/required",
                keyword: "required",
                params: { missingProperty: "inputSchema" },
                message: "must have required property '" + "inputSchema" + "'",
              };
              if (vErrors === null) {
                vErrors = [err17];
              } else {
                vErrors.push(err17);
              }
              errors++;
            }
            for (const key1 in data5) {
              if (!(
                key1 === "name" ||
                key1 === "description" ||
                key1 === "inputSchema" ||
                key1 === "requiresApproval" ||
                key1 === "argsEditable"
              )) {
                const err18 = {
                  instancePath: instancePath + "/tools/" + i0,
                  schemaPath: "#/properties/tools/items/additionalProperties",
                  keyword: "additionalProperties",
                  params: { additionalProperty: key1 },
                  message: "must NOT have additional properties",
                };
                if (vErrors === null) {
                  vErrors = [err18];
                } else {
                  vErrors.push(err18);
                }
                errors++;
              }
            }
            if (data5.name !== undefined) {
              let data6 = data5.name;
              if (typeof data6 === "string") {
                if (!pattern4.test(data6)) {
                  const err19 = {
                    instancePath: instancePath + "/tools/" + i0 + "/name",
                    schemaPath: "#/properties/tools/items/properties/name/pattern",
                    keyword: "pattern",
                    params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
                    message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
                  };
                  if (vErrors === null) {
                    vErrors = [err19];
                  } else {
                    vErrors.push(err19);
                  }
                  errors++;
                }
              } else {
                const err20 = {
                  instancePath: instancePath + "/tools/" + i0 + "/name",
                  schemaPath: "#/properties/tools/items/properties/name/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err20];
                } else {
                  vErrors.push(err20);
                }
                errors++;
              }
            }
            if (data5.description !== undefined) {
              if (typeof data5.description !== "string") {
                const err21 = {
                  instancePath: instancePath + "/tools/" + i0 + "/description",
                  schemaPath: "#/properties/tools/items/properties/description/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err21];
                } else {
                  vErrors.push(err21);
                }
                errors++;
              }
            }
            if (data5.inputSchema !== undefined) {
              let data8 = data5.inputSchema;
              if (data8 && typeof data8 == "object" && !Array.isArray(data8)) {
              } else {
                const err22 = {
                  instancePath: instancePath + "/tools/" + i0 + "/inputSchema",
                  schemaPath: "#/properties/tools/items/properties/inputSchema/type",
                  keyword: "type",
                  params: { type: "object" },
                  message: "must be object",
                };
                if (vErrors === null) {
                  vErrors = [err22];
                } else {
                  vErrors.push(err22);
                }
                errors++;
              }
            }
            if (data5.requiresApproval !== undefined) {
              if (typeof data5.requiresApproval !== "boolean") {
                const err23 = {
                  instancePath: instancePath + "/tools/" + i0 + "/requiresApproval",
                  schemaPath: "#/properties/tools/items/properties/requiresApproval/type",
                  keyword: "type",
                  params: { type: "boolean" },
                  message: "must be boolean",
                };
                if (vErrors === null) {
                  vErrors = [err23];
                } else {
                  vErrors.push(err23);
                }
                errors++;
              }
            }
            if (data5.argsEditable !== undefined) {
              if (typeof data5.argsEditable !== "boolean") {
                const err24 = {
                  instancePath: instancePath + "/tools/" + i0 + "/argsEditable",
                  schemaPath: "#/properties/tools/items/properties/argsEditable/type",
                  keyword: "type",
                  params: { type: "boolean" },
                  message: "must be boolean",
                };
                if (vErrors === null) {
                  vErrors = [err24];
                } else {
                  vErrors.push(err24);
                }
                errors++;
              }
            }
          } else {
            const err25 = {
              instancePath: instancePath + "/tools/" + i0,
              schemaPath: "#/properties/tools/items/type",
              keyword: "type",
              params: { type: "object" },
              message: "must be object",
            };
            if (vErrors === null) {
              vErrors = [err25];
            } else {
              vErrors.push(err25);
            }
            errors++;
          }
        }
      } else {
        const err26 = {
          instancePath: instancePath + "/tools",
          schemaPath: "#/properties/tools/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err26];
        } else {
          vErrors.push(err26);
        }
        errors++;
      }
    }
    if (data.maxOutputTokens !== undefined) {
      let data11 = data.maxOutputTokens;
      if (!(typeof data11 == "number" && !(data11 % 1) && !isNaN(data11) && isFinite(data11))) {
        const err27 = {
          instancePath: instancePath + "/maxOutputTokens",
          schemaPath: "#/properties/maxOutputTokens/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err27];
        } else {
          vErrors.push(err27);
        }
        errors++;
      }
      if (typeof data11 == "number" && isFinite(data11)) {
        if (data11 < 1 || isNaN(data11)) {
          const err28 = {
            instancePath: instancePath + "/maxOutputTokens",
            schemaPath: "#/properties/maxOutputTokens/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err28];
          } else {
            vErrors.push(err28);
          }
          errors++;
        }
      }
    }
    if (data.toolCallHook !== undefined) {
      if (true !== data.toolCallHook) {
        const err29 = {
          instancePath: instancePath + "/toolCallHook",
          schemaPath: "#/properties/toolCallHook/const",
          keyword: "const",
          params: { allowedValue: true },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err29];
        } else {
          vErrors.push(err29);
        }
        errors++;
      }
    }
    if (data.instructionsInCode !== undefined) {
      if (true !== data.instructionsInCode) {
        const err30 = {
          instancePath: instancePath + "/instructionsInCode",
          schemaPath: "#/properties/instructionsInCode/const",
          keyword: "const",
          params: { allowedValue: true },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err30];
        } else {
          vErrors.push(err30);
        }
        errors++;
      }
    }
    if (data.guardrails !== undefined) {
      let data14 = data.guardrails;
      if (data14 && typeof data14 == "object" && !Array.isArray(data14)) {
        for (const key2 in data14) {
          if (!(key2 === "input" || key2 === "output")) {
            const err31 = {
              instancePath: instancePath + "/guardrails",
              schemaPath: "#/properties/guardrails/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key2 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err31];
            } else {
              vErrors.push(err31);
            }
            errors++;
          }
        }
        if (data14.input !== undefined) {
          let data15 = data14.input;
          if (Array.isArray(data15)) {
            const len1 = data15.length;
            for (let i1 = 0; i1 < len1; i1++) {
              let data16 = data15[i1];
              if (data16 && typeof data16 == "object" && !Array.isArray(data16)) {
                if (data16.name === undefined) {
                  const err32 = {
                    instancePath: instancePath + "/guardrails/input/" + i1,
                    schemaPath: "#/$defs/guardrail/required",
                    keyword: "required",
                    params: { missingProperty: "name" },
                    message: "must have required property '" + "name" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err32];
                  } else {
                    vErrors.push(err32);
                  }
                  errors++;
                }
                if (data16.onTrip === undefined) {
                  const err33 = {
                    instancePath: instancePath + "/guardrails/input/" + i1,
                    schemaPath: "#/$defs/guardrail/required",
                    keyword: "required",
                    params: { missingProperty: "onTrip" },
                    message: "must have required property '" + "onTrip" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err33];
                  } else {
                    vErrors.push(err33);
                  }
                  errors++;
                }
                for (const key3 in data16) {
                  if (!(
                    key3 === "name" ||
                    key3 === "onTrip" ||
                    key3 === "pattern" ||
                    key3 === "ignoreCase" ||
                    key3 === "maxChars" ||
                    key3 === "message" ||
                    key3 === "code" ||
                    key3 === "model"
                  )) {
                    const err34 = {
                      instancePath: instancePath + "/guardrails/input/" + i1,
                      schemaPath: "#/$defs/guardrail/additionalProperties",
                      keyword: "additionalProperties",
                      params: { additionalProperty: key3 },
                      message: "must NOT have additional properties",
                    };
                    if (vErrors === null) {
                      vErrors = [err34];
                    } else {
                      vErrors.push(err34);
                    }
                    errors++;
                  }
                }
                if (data16.name !== undefined) {
                  let data17 = data16.name;
                  if (typeof data17 === "string") {
                    if (!pattern4.test(data17)) {
                      const err35 = {
                        instancePath: instancePath + "/guardrails/input/" + i1 + "/name",
                        schemaPath: "#/$defs/guardrail/properties/name/pattern",
                        keyword: "pattern",
                        params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
                        message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
                      };
                      if (vErrors === null) {
                        vErrors = [err35];
                      } else {
                        vErrors.push(err35);
                      }
                      errors++;
                    }
                  } else {
                    const err36 = {
                      instancePath: instancePath + "/guardrails/input/" + i1 + "/name",
                      schemaPath: "#/$defs/guardrail/properties/name/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err36];
                    } else {
                      vErrors.push(err36);
                    }
                    errors++;
                  }
                }
                if (data16.onTrip !== undefined) {
                  let data18 = data16.onTrip;
                  if (!(data18 === "fail" || data18 === "pause")) {
                    const err37 = {
                      instancePath: instancePath + "/guardrails/input/" + i1 + "/onTrip",
                      schemaPath: "#/$defs/guardrail/properties/onTrip/enum",
                      keyword: "enum",
                      params: { allowedValues: schema32.properties.onTrip.enum },
                      message: "must be equal to one of the allowed values",
                    };
                    if (vErrors === null) {
                      vErrors = [err37];
                    } else {
                      vErrors.push(err37);
                    }
                    errors++;
                  }
                }
                if (data16.pattern !== undefined) {
                  if (typeof data16.pattern !== "string") {
                    const err38 = {
                      instancePath: instancePath + "/guardrails/input/" + i1 + "/pattern",
                      schemaPath: "#/$defs/guardrail/properties/pattern/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err38];
                    } else {
                      vErrors.push(err38);
                    }
                    errors++;
                  }
                }
                if (data16.ignoreCase !== undefined) {
                  if (typeof data16.ignoreCase !== "boolean") {
                    const err39 = {
                      instancePath: instancePath + "/guardrails/input/" + i1 + "/ignoreCase",
                      schemaPath: "#/$defs/guardrail/properties/ignoreCase/type",
                      keyword: "type",
                      params: { type: "boolean" },
                      message: "must be boolean",
                    };
                    if (vErrors === null) {
                      vErrors = [err39];
                    } else {
                      vErrors.push(err39);
                    }
                    errors++;
                  }
                }
                if (data16.maxChars !== undefined) {
                  let data21 = data16.maxChars;
                  if (!(typeof data21 == "number" && !(data21 % 1) && !isNaN(data21) && isFinite(data21))) {
                    const err40 = {
                      instancePath: instancePath + "/guardrails/input/" + i1 + "/maxChars",
                      schemaPath: "#/$defs/guardrail/properties/maxChars/type",
                      keyword: "type",
                      params: { type: "integer" },
                      message: "must be integer",
                    };
                    if (vErrors === null) {
                      vErrors = [err40];
                    } else {
                      vErrors.push(err40);
                    }
                    errors++;
                  }
                  if (typeof data21 == "number" && isFinite(data21)) {
                    if (data21 < 1 || isNaN(data21)) {
                      const err41 = {
                        instancePath: instancePath + "/guardrails/input/" + i1 + "/maxChars",
                        schemaPath: "#/$defs/guardrail/properties/maxChars/minimum",
                        keyword: "minimum",
                        params: { comparison: ">=", limit: 1 },
                        message: "must be >= 1",
                      };
                      if (vErrors === null) {
                        vErrors = [err41];
                      } else {
                        vErrors.push(err41);
                      }
                      errors++;
                    }
                  }
                }
                if (data16.message !== undefined) {
                  if (typeof data16.message !== "string") {
                    const err42 = {
                      instancePath: instancePath + "/guardrails/input/" + i1 + "/message",
                      schemaPath: "#/$defs/guardrail/properties/message/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err42];
                    } else {
                      vErrors.push(err42);
                    }
                    errors++;
                  }
                }
                if (data16.code !== undefined) {
                  if (true !== data16.code) {
                    const err43 = {
                      instancePath: instancePath + "/guardrails/input/" + i1 + "/code",
                      schemaPath: "#/$defs/guardrail/properties/code/const",
                      keyword: "const",
                      params: { allowedValue: true },
                      message: "must be equal to constant",
                    };
                    if (vErrors === null) {
                      vErrors = [err43];
                    } else {
                      vErrors.push(err43);
                    }
                    errors++;
                  }
                }
                if (data16.model !== undefined) {
                  let data24 = data16.model;
                  if (data24 && typeof data24 == "object" && !Array.isArray(data24)) {
                    if (data24.instructions === undefined) {
                      const err44 = {
                        instancePath: instancePath + "/guardrails/input/" + i1 + "/model",
                        schemaPath: "#/$defs/guardrail/properties/model/required",
                        keyword: "required",
                        params: { missingProperty: "instructions" },
                        message: "must have required property '" + "instructions" + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err44];
                      } else {
                        vErrors.push(err44);
                      }
                      errors++;
                    }
                    for (const key4 in data24) {
                      if (!(key4 === "instructions" || key4 === "provider" || key4 === "model")) {
                        const err45 = {
                          instancePath: instancePath + "/guardrails/input/" + i1 + "/model",
                          schemaPath: "#/$defs/guardrail/properties/model/additionalProperties",
                          keyword: "additionalProperties",
                          params: { additionalProperty: key4 },
                          message: "must NOT have additional properties",
                        };
                        if (vErrors === null) {
                          vErrors = [err45];
                        } else {
                          vErrors.push(err45);
                        }
                        errors++;
                      }
                    }
                    if (data24.instructions !== undefined) {
                      let data25 = data24.instructions;
                      if (typeof data25 === "string") {
                        if (func2(data25) < 1) {
                          const err46 = {
                            instancePath: instancePath + "/guardrails/input/" + i1 + "/model/instructions",
                            schemaPath: "#/$defs/guardrail/properties/model/properties/instructions/minLength",
                            keyword: "minLength",
                            params: { limit: 1 },
                            message: "must NOT have fewer than 1 characters",
                          };
                          if (vErrors === null) {
                            vErrors = [err46];
                          } else {
                            vErrors.push(err46);
                          }
                          errors++;
                        }
                      } else {
                        const err47 = {
                          instancePath: instancePath + "/guardrails/input/" + i1 + "/model/instructions",
                          schemaPath: "#/$defs/guardrail/properties/model/properties/instructions/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                        };
                        if (vErrors === null) {
                          vErrors = [err47];
                        } else {
                          vErrors.push(err47);
                        }
                        errors++;
                      }
                    }
                    if (data24.provider !== undefined) {
                      if (typeof data24.provider !== "string") {
                        const err48 = {
                          instancePath: instancePath + "/guardrails/input/" + i1 + "/model/provider",
                          schemaPath: "#/$defs/guardrail/properties/model/properties/provider/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                        };
                        if (vErrors === null) {
                          vErrors = [err48];
                        } else {
                          vErrors.push(err48);
                        }
                        errors++;
                      }
                    }
                    if (data24.model !== undefined) {
                      if (typeof data24.model !== "string") {
                        const err49 = {
                          instancePath: instancePath + "/guardrails/input/" + i1 + "/model/model",
                          schemaPath: "#/$defs/guardrail/properties/model/properties/model/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                        };
                        if (vErrors === null) {
                          vErrors = [err49];
                        } else {
                          vErrors.push(err49);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err50 = {
                      instancePath: instancePath + "/guardrails/input/" + i1 + "/model",
                      schemaPath: "#/$defs/guardrail/properties/model/type",
                      keyword: "type",
                      params: { type: "object" },
                      message: "must be object",
                    };
                    if (vErrors === null) {
                      vErrors = [err50];
                    } else {
                      vErrors.push(err50);
                    }
                    errors++;
                  }
                }
              } else {
                const err51 = {
                  instancePath: instancePath + "/guardrails/input/" + i1,
                  schemaPath: "#/$defs/guardrail/type",
                  keyword: "type",
                  params: { type: "object" },
                  message: "must be object",
                };
                if (vErrors === null) {
                  vErrors = [err51];
                } else {
                  vErrors.push(err51);
                }
                errors++;
              }
            }
          } else {
            const err52 = {
              instancePath: instancePath + "/guardrails/input",
              schemaPath: "#/properties/guardrails/properties/input/type",
              keyword: "type",
              params: { type: "array" },
              message: "must be array",
            };
            if (vErrors === null) {
              vErrors = [err52];
            } else {
              vErrors.push(err52);
            }
            errors++;
          }
        }
        if (data14.output !== undefined) {
          let data28 = data14.output;
          if (Array.isArray(data28)) {
            const len2 = data28.length;
            for (let i2 = 0; i2 < len2; i2++) {
              let data29 = data28[i2];
              if (data29 && typeof data29 == "object" && !Array.isArray(data29)) {
                if (data29.name === undefined) {
                  const err53 = {
                    instancePath: instancePath + "/guardrails/output/" + i2,
                    schemaPath: "#/$defs/guardrail/required",
                    keyword: "required",
                    params: { missingProperty: "name" },
                    message: "must have required property '" + "name" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err53];
                  } else {
                    vErrors.push(err53);
                  }
                  errors++;
                }
                if (data29.onTrip === undefined) {
                  const err54 = {
                    instancePath: instancePath + "/guardrails/output/" + i2,
                    schemaPath: "#/$defs/guardrail/required",
                    keyword: "required",
                    params: { missingProperty: "onTrip" },
                    message: "must have required property '" + "onTrip" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err54];
                  } else {
                    vErrors.push(err54);
                  }
                  errors++;
                }
                for (const key5 in data29) {
                  if (!(
                    key5 === "name" ||
                    key5 === "onTrip" ||
                    key5 === "pattern" ||
                    key5 === "ignoreCase" ||
                    key5 === "maxChars" ||
                    key5 === "message" ||
                    key5 === "code" ||
                    key5 === "model"
                  )) {
                    const err55 = {
                      instancePath: instancePath + "/guardrails/output/" + i2,
                      schemaPath: "#/$defs/guardrail/additionalProperties",
                      keyword: "additionalProperties",
                      params: { additionalProperty: key5 },
                      message: "must NOT have additional properties",
                    };
                    if (vErrors === null) {
                      vErrors = [err55];
                    } else {
                      vErrors.push(err55);
                    }
                    errors++;
                  }
                }
                if (data29.name !== undefined) {
                  let data30 = data29.name;
                  if (typeof data30 === "string") {
                    if (!pattern4.test(data30)) {
                      const err56 = {
                        instancePath: instancePath + "/guardrails/output/" + i2 + "/name",
                        schemaPath: "#/$defs/guardrail/properties/name/pattern",
                        keyword: "pattern",
                        params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
                        message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
                      };
                      if (vErrors === null) {
                        vErrors = [err56];
                      } else {
                        vErrors.push(err56);
                      }
                      errors++;
                    }
                  } else {
                    const err57 = {
                      instancePath: instancePath + "/guardrails/output/" + i2 + "/name",
                      schemaPath: "#/$defs/guardrail/properties/name/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err57];
                    } else {
                      vErrors.push(err57);
                    }
                    errors++;
                  }
                }
                if (data29.onTrip !== undefined) {
                  let data31 = data29.onTrip;
                  if (!(data31 === "fail" || data31 === "pause")) {
                    const err58 = {
                      instancePath: instancePath + "/guardrails/output/" + i2 + "/onTrip",
                      schemaPath: "#/$defs/guardrail/properties/onTrip/enum",
                      keyword: "enum",
                      params: { allowedValues: schema32.properties.onTrip.enum },
                      message: "must be equal to one of the allowed values",
                    };
                    if (vErrors === null) {
                      vErrors = [err58];
                    } else {
                      vErrors.push(err58);
                    }
                    errors++;
                  }
                }
                if (data29.pattern !== undefined) {
                  if (typeof data29.pattern !== "string") {
                    const err59 = {
                      instancePath: instancePath + "/guardrails/output/" + i2 + "/pattern",
                      schemaPath: "#/$defs/guardrail/properties/pattern/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err59];
                    } else {
                      vErrors.push(err59);
                    }
                    errors++;
                  }
                }
                if (data29.ignoreCase !== undefined) {
                  if (typeof data29.ignoreCase !== "boolean") {
                    const err60 = {
                      instancePath: instancePath + "/guardrails/output/" + i2 + "/ignoreCase",
                      schemaPath: "#/$defs/guardrail/properties/ignoreCase/type",
                      keyword: "type",
                      params: { type: "boolean" },
                      message: "must be boolean",
                    };
                    if (vErrors === null) {
                      vErrors = [err60];
                    } else {
                      vErrors.push(err60);
                    }
                    errors++;
                  }
                }
                if (data29.maxChars !== undefined) {
                  let data34 = data29.maxChars;
                  if (!(typeof data34 == "number" && !(data34 % 1) && !isNaN(data34) && isFinite(data34))) {
                    const err61 = {
                      instancePath: instancePath + "/guardrails/output/" + i2 + "/maxChars",
                      schemaPath: "#/$defs/guardrail/properties/maxChars/type",
                      keyword: "type",
                      params: { type: "integer" },
                      message: "must be integer",
                    };
                    if (vErrors === null) {
                      vErrors = [err61];
                    } else {
                      vErrors.push(err61);
                    }
                    errors++;
                  }
                  if (typeof data34 == "number" && isFinite(data34)) {
                    if (data34 < 1 || isNaN(data34)) {
                      const err62 = {
                        instancePath: instancePath + "/guardrails/output/" + i2 + "/maxChars",
                        schemaPath: "#/$defs/guardrail/properties/maxChars/minimum",
                        keyword: "minimum",
                        params: { comparison: ">=", limit: 1 },
                        message: "must be >= 1",
                      };
                      if (vErrors === null) {
                        vErrors = [err62];
                      } else {
                        vErrors.push(err62);
                      }
                      errors++;
                    }
                  }
                }
                if (data29.message !== undefined) {
                  if (typeof data29.message !== "string") {
                    const err63 = {
                      instancePath: instancePath + "/guardrails/output/" + i2 + "/message",
                      schemaPath: "#/$defs/guardrail/properties/message/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err63];
                    } else {
                      vErrors.push(err63);
                    }
                    errors++;
                  }
                }
                if (data29.code !== undefined) {
                  if (true !== data29.code) {
                    const err64 = {
                      instancePath: instancePath + "/guardrails/output/" + i2 + "/code",
                      schemaPath: "#/$defs/guardrail/properties/code/const",
                      keyword: "const",
                      params: { allowedValue: true },
                      message: "must be equal to constant",
                    };
                    if (vErrors === null) {
                      vErrors = [err64];
                    } else {
                      vErrors.push(err64);
                    }
                    errors++;
                  }
                }
                if (data29.model !== undefined) {
                  let data37 = data29.model;
                  if (data37 && typeof data37 == "object" && !Array.isArray(data37)) {
                    if (data37.instructions === undefined) {
                      const err65 = {
                        instancePath: instancePath + "/guardrails/output/" + i2 + "/model",
                        schemaPath: "#/$defs/guardrail/properties/model/required",
                        keyword: "required",
                        params: { missingProperty: "instructions" },
                        message: "must have required property '" + "instructions" + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err65];
                      } else {
                        vErrors.push(err65);
                      }
                      errors++;
                    }
                    for (const key6 in data37) {
                      if (!(key6 === "instructions" || key6 === "provider" || key6 === "model")) {
                        const err66 = {
                          instancePath: instancePath + "/guardrails/output/" + i2 + "/model",
                          schemaPath: "#/$defs/guardrail/properties/model/additionalProperties",
                          keyword: "additionalProperties",
                          params: { additionalProperty: key6 },
                          message: "must NOT have additional properties",
                        };
                        if (vErrors === null) {
                          vErrors = [err66];
                        } else {
                          vErrors.push(err66);
                        }
                        errors++;
                      }
                    }
                    if (data37.instructions !== undefined) {
                      let data38 = data37.instructions;
                      if (typeof data38 === "string") {
                        if (func2(data38) < 1) {
                          const err67 = {
                            instancePath: instancePath + "/guardrails/output/" + i2 + "/model/instructions",
                            schemaPath: "#/$defs/guardrail/properties/model/properties/instructions/minLength",
                            keyword: "minLength",
                            params: { limit: 1 },
                            message: "must NOT have fewer than 1 characters",
                          };
                          if (vErrors === null) {
                            vErrors = [err67];
                          } else {
                            vErrors.push(err67);
                          }
                          errors++;
                        }
                      } else {
                        const err68 = {
                          instancePath: instancePath + "/guardrails/output/" + i2 + "/model/instructions",
                          schemaPath: "#/$defs/guardrail/properties/model/properties/instructions/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                        };
                        if (vErrors === null) {
                          vErrors = [err68];
                        } else {
                          vErrors.push(err68);
                        }
                        errors++;
                      }
                    }
                    if (data37.provider !== undefined) {
                      if (typeof data37.provider !== "string") {
                        const err69 = {
                          instancePath: instancePath + "/guardrails/output/" + i2 + "/model/provider",
                          schemaPath: "#/$defs/guardrail/properties/model/properties/provider/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                        };
                        if (vErrors === null) {
                          vErrors = [err69];
                        } else {
                          vErrors.push(err69);
                        }
                        errors++;
                      }
                    }
                    if (data37.model !== undefined) {
                      if (typeof data37.model !== "string") {
                        const err70 = {
                          instancePath: instancePath + "/guardrails/output/" + i2 + "/model/model",
                          schemaPath: "#/$defs/guardrail/properties/model/properties/model/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                        };
                        if (vErrors === null) {
                          vErrors = [err70];
                        } else {
                          vErrors.push(err70);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err71 = {
                      instancePath: instancePath + "/guardrails/output/" + i2 + "/model",
                      schemaPath: "#/$defs/guardrail/properties/model/type",
                      keyword: "type",
                      params: { type: "object" },
                      message: "must be object",
                    };
                    if (vErrors === null) {
                      vErrors = [err71];
                    } else {
                      vErrors.push(err71);
                    }
                    errors++;
                  }
                }
              } else {
                const err72 = {
                  instancePath: instancePath + "/guardrails/output/" + i2,
                  schemaPath: "#/$defs/guardrail/type",
                  keyword: "type",
                  params: { type: "object" },
                  message: "must be object",
                };
                if (vErrors === null) {
                  vErrors = [err72];
                } else {
                  vErrors.push(err72);
                }
                errors++;
              }
            }
          } else {
            const err73 = {
              instancePath: instancePath + "/guardrails/output",
              schemaPath: "#/properties/guardrails/properties/output/type",
              keyword: "type",
              params: { type: "array" },
              message: "must be array",
            };
            if (vErrors === null) {
              vErrors = [err73];
            } else {
              vErrors.push(err73);
            }
            errors++;
          }
        }
      } else {
        const err74 = {
          instancePath: instancePath + "/guardrails",
          schemaPath: "#/properties/guardrails/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err74];
        } else {
          vErrors.push(err74);
        }
        errors++;
      }
    }
    if (data.handoffs !== undefined) {
      let data41 = data.handoffs;
      if (Array.isArray(data41)) {
        const len3 = data41.length;
        for (let i3 = 0; i3 < len3; i3++) {
          let data42 = data41[i3];
          if (typeof data42 === "string") {
            if (func2(data42) > 128) {
              const err75 = {
                instancePath: instancePath + "/handoffs/" + i3,
                schemaPath: "#/properties/handoffs/items/maxLength",
                keyword: "maxLength",
                params: { limit: 128 },
                message: "must NOT have more than 128 characters",
              };
              if (vErrors === null) {
                vErrors = [err75];
              } else {
                vErrors.push(err75);
              }
              errors++;
            }
            if (func2(data42) < 1) {
              const err76 = {
                instancePath: instancePath + "/handoffs/" + i3,
                schemaPath: "#/properties/handoffs/items/minLength",
                keyword: "minLength",
                params: { limit: 1 },
                message: "must NOT have fewer than 1 characters",
              };
              if (vErrors === null) {
                vErrors = [err76];
              } else {
                vErrors.push(err76);
              }
              errors++;
            }
          } else {
            const err77 = {
              instancePath: instancePath + "/handoffs/" + i3,
              schemaPath: "#/properties/handoffs/items/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err77];
            } else {
              vErrors.push(err77);
            }
            errors++;
          }
        }
      } else {
        const err78 = {
          instancePath: instancePath + "/handoffs",
          schemaPath: "#/properties/handoffs/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err78];
        } else {
          vErrors.push(err78);
        }
        errors++;
      }
    }
    if (data.conversation !== undefined) {
      if (typeof data.conversation !== "boolean") {
        const err79 = {
          instancePath: instancePath + "/conversation",
          schemaPath: "#/properties/conversation/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err79];
        } else {
          vErrors.push(err79);
        }
        errors++;
      }
    }
    if (data.output !== undefined) {
      let data44 = data.output;
      if (data44 && typeof data44 == "object" && !Array.isArray(data44)) {
        if (data44.schema === undefined) {
          const err80 = {
            instancePath: instancePath + "/output",
            schemaPath: "#/properties/output/required",
            keyword: "required",
            params: { missingProperty: "schema" },
            message: "must have required property '" + "schema" + "'",
          };
          if (vErrors === null) {
            vErrors = [err80];
          } else {
            vErrors.push(err80);
          }
          errors++;
        }
        for (const key7 in data44) {
          if (!(key7 === "name" || key7 === "schema" || key7 === "maxAttempts")) {
            const err81 = {
              instancePath: instancePath + "/output",
              schemaPath: "#/properties/output/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key7 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err81];
            } else {
              vErrors.push(err81);
            }
            errors++;
          }
        }
        if (data44.name !== undefined) {
          let data45 = data44.name;
          if (typeof data45 === "string") {
            if (!pattern4.test(data45)) {
              const err82 = {
                instancePath: instancePath + "/output/name",
                schemaPath: "#/properties/output/properties/name/pattern",
                keyword: "pattern",
                params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
                message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
              };
              if (vErrors === null) {
                vErrors = [err82];
              } else {
                vErrors.push(err82);
              }
              errors++;
            }
          } else {
            const err83 = {
              instancePath: instancePath + "/output/name",
              schemaPath: "#/properties/output/properties/name/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err83];
            } else {
              vErrors.push(err83);
            }
            errors++;
          }
        }
        if (data44.schema !== undefined) {
          let data46 = data44.schema;
          if (data46 && typeof data46 == "object" && !Array.isArray(data46)) {
          } else {
            const err84 = {
              instancePath: instancePath + "/output/schema",
              schemaPath: "#/properties/output/properties/schema/type",
              keyword: "type",
              params: { type: "object" },
              message: "must be object",
            };
            if (vErrors === null) {
              vErrors = [err84];
            } else {
              vErrors.push(err84);
            }
            errors++;
          }
        }
        if (data44.maxAttempts !== undefined) {
          let data47 = data44.maxAttempts;
          if (!(typeof data47 == "number" && !(data47 % 1) && !isNaN(data47) && isFinite(data47))) {
            const err85 = {
              instancePath: instancePath + "/output/maxAttempts",
              schemaPath: "#/properties/output/properties/maxAttempts/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err85];
            } else {
              vErrors.push(err85);
            }
            errors++;
          }
          if (typeof data47 == "number" && isFinite(data47)) {
            if (data47 > 10 || isNaN(data47)) {
              const err86 = {
                instancePath: instancePath + "/output/maxAttempts",
                schemaPath: "#/properties/output/properties/maxAttempts/maximum",
                keyword: "maximum",
                params: { comparison: "<=", limit: 10 },
                message: "must be <= 10",
              };
              if (vErrors === null) {
                vErrors = [err86];
              } else {
                vErrors.push(err86);
              }
              errors++;
            }
            if (data47 < 1 || isNaN(data47)) {
              const err87 = {
                instancePath: instancePath + "/output/maxAttempts",
                schemaPath: "#/properties/output/properties/maxAttempts/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 1 },
                message: "must be >= 1",
              };
              if (vErrors === null) {
                vErrors = [err87];
              } else {
                vErrors.push(err87);
              }
              errors++;
            }
          }
        }
      } else {
        const err88 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err88];
        } else {
          vErrors.push(err88);
        }
        errors++;
      }
    }
    if (data.maxTurns !== undefined) {
      let data48 = data.maxTurns;
      if (!(typeof data48 == "number" && !(data48 % 1) && !isNaN(data48) && isFinite(data48))) {
        const err89 = {
          instancePath: instancePath + "/maxTurns",
          schemaPath: "#/properties/maxTurns/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err89];
        } else {
          vErrors.push(err89);
        }
        errors++;
      }
      if (typeof data48 == "number" && isFinite(data48)) {
        if (data48 > 10000 || isNaN(data48)) {
          const err90 = {
            instancePath: instancePath + "/maxTurns",
            schemaPath: "#/properties/maxTurns/maximum",
            keyword: "maximum",
            params: { comparison: "<=", limit: 10000 },
            message: "must be <= 10000",
          };
          if (vErrors === null) {
            vErrors = [err90];
          } else {
            vErrors.push(err90);
          }
          errors++;
        }
        if (data48 < 1 || isNaN(data48)) {
          const err91 = {
            instancePath: instancePath + "/maxTurns",
            schemaPath: "#/properties/maxTurns/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err91];
          } else {
            vErrors.push(err91);
          }
          errors++;
        }
      }
    }
    if (data.temperature !== undefined) {
      let data49 = data.temperature;
      if (!(typeof data49 == "number" && isFinite(data49))) {
        const err92 = {
          instancePath: instancePath + "/temperature",
          schemaPath: "#/properties/temperature/type",
          keyword: "type",
          params: { type: "number" },
          message: "must be number",
        };
        if (vErrors === null) {
          vErrors = [err92];
        } else {
          vErrors.push(err92);
        }
        errors++;
      }
    }
    if (data.maxTokens !== undefined) {
      let data50 = data.maxTokens;
      if (!(typeof data50 == "number" && !(data50 % 1) && !isNaN(data50) && isFinite(data50))) {
        const err93 = {
          instancePath: instancePath + "/maxTokens",
          schemaPath: "#/properties/maxTokens/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err93];
        } else {
          vErrors.push(err93);
        }
        errors++;
      }
      if (typeof data50 == "number" && isFinite(data50)) {
        if (data50 < 1 || isNaN(data50)) {
          const err94 = {
            instancePath: instancePath + "/maxTokens",
            schemaPath: "#/properties/maxTokens/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err94];
          } else {
            vErrors.push(err94);
          }
          errors++;
        }
      }
    }
    if (data.maxCostUsd !== undefined) {
      let data51 = data.maxCostUsd;
      if (typeof data51 == "number" && isFinite(data51)) {
        if (data51 < 0 || isNaN(data51)) {
          const err95 = {
            instancePath: instancePath + "/maxCostUsd",
            schemaPath: "#/properties/maxCostUsd/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err95];
          } else {
            vErrors.push(err95);
          }
          errors++;
        }
      } else {
        const err96 = {
          instancePath: instancePath + "/maxCostUsd",
          schemaPath: "#/properties/maxCostUsd/type",
          keyword: "type",
          params: { type: "number" },
          message: "must be number",
        };
        if (vErrors === null) {
          vErrors = [err96];
        } else {
          vErrors.push(err96);
        }
        errors++;
      }
    }
    if (data.contextBudgetTokens !== undefined) {
      let data52 = data.contextBudgetTokens;
      if (!(typeof data52 == "number" && !(data52 % 1) && !isNaN(data52) && isFinite(data52))) {
        const err97 = {
          instancePath: instancePath + "/contextBudgetTokens",
          schemaPath: "#/properties/contextBudgetTokens/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err97];
        } else {
          vErrors.push(err97);
        }
        errors++;
      }
      if (typeof data52 == "number" && isFinite(data52)) {
        if (data52 < 100 || isNaN(data52)) {
          const err98 = {
            instancePath: instancePath + "/contextBudgetTokens",
            schemaPath: "#/properties/contextBudgetTokens/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 100 },
            message: "must be >= 100",
          };
          if (vErrors === null) {
            vErrors = [err98];
          } else {
            vErrors.push(err98);
          }
          errors++;
        }
      }
    }
    if (data.summarize !== undefined) {
      let data53 = data.summarize;
      if (data53 && typeof data53 == "object" && !Array.isArray(data53)) {
        if (data53.keepRecentTurns === undefined) {
          const err99 = {
            instancePath: instancePath + "/summarize",
            schemaPath: "#/properties/summarize/required",
            keyword: "required",
            params: { missingProperty: "keepRecentTurns" },
            message: "must have required property '" + "keepRecentTurns" + "'",
          };
          if (vErrors === null) {
            vErrors = [err99];
          } else {
            vErrors.push(err99);
          }
          errors++;
        }
        for (const key8 in data53) {
          if (!(key8 === "keepRecentTurns" || key8 === "instructions")) {
            const err100 = {
              instancePath: instancePath + "/summarize",
              schemaPath: "#/properties/summarize/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key8 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err100];
            } else {
              vErrors.push(err100);
            }
            errors++;
          }
        }
        if (data53.keepRecentTurns !== undefined) {
          let data54 = data53.keepRecentTurns;
          if (!(typeof data54 == "number" && !(data54 % 1) && !isNaN(data54) && isFinite(data54))) {
            const err101 = {
              instancePath: instancePath + "/summarize/keepRecentTurns",
              schemaPath: "#/properties/summarize/properties/keepRecentTurns/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err101];
            } else {
              vErrors.push(err101);
            }
            errors++;
          }
          if (typeof data54 == "number" && isFinite(data54)) {
            if (data54 < 1 || isNaN(data54)) {
              const err102 = {
                instancePath: instancePath + "/summarize/keepRecentTurns",
                schemaPath: "#/properties/summarize/properties/keepRecentTurns/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 1 },
                message: "must be >= 1",
              };
              if (vErrors === null) {
                vErrors = [err102];
              } else {
                vErrors.push(err102);
              }
              errors++;
            }
          }
        }
        if (data53.instructions !== undefined) {
          if (typeof data53.instructions !== "string") {
            const err103 = {
              instancePath: instancePath + "/summarize/instructions",
              schemaPath: "#/properties/summarize/properties/instructions/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err103];
            } else {
              vErrors.push(err103);
            }
            errors++;
          }
        }
      } else {
        const err104 = {
          instancePath: instancePath + "/summarize",
          schemaPath: "#/properties/summarize/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err104];
        } else {
          vErrors.push(err104);
        }
        errors++;
      }
    }
    if (data.onBudgetExceeded !== undefined) {
      let data56 = data.onBudgetExceeded;
      if (!(data56 === "fail" || data56 === "approve")) {
        const err105 = {
          instancePath: instancePath + "/onBudgetExceeded",
          schemaPath: "#/properties/onBudgetExceeded/enum",
          keyword: "enum",
          params: { allowedValues: schema31.properties.onBudgetExceeded.enum },
          message: "must be equal to one of the allowed values",
        };
        if (vErrors === null) {
          vErrors = [err105];
        } else {
          vErrors.push(err105);
        }
        errors++;
      }
    }
    if (data.loopGuard !== undefined) {
      let data57 = data.loopGuard;
      if (data57 && typeof data57 == "object" && !Array.isArray(data57)) {
        if (data57.onTrip === undefined) {
          const err106 = {
            instancePath: instancePath + "/loopGuard",
            schemaPath: "#/properties/loopGuard/required",
            keyword: "required",
            params: { missingProperty: "onTrip" },
            message: "must have required property '" + "onTrip" + "'",
          };
          if (vErrors === null) {
            vErrors = [err106];
          } else {
            vErrors.push(err106);
          }
          errors++;
        }
        for (const key9 in data57) {
          if (!(key9 === "sameCall" || key9 === "idleTurns" || key9 === "onTrip")) {
            const err107 = {
              instancePath: instancePath + "/loopGuard",
              schemaPath: "#/properties/loopGuard/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key9 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err107];
            } else {
              vErrors.push(err107);
            }
            errors++;
          }
        }
        if (data57.sameCall !== undefined) {
          let data58 = data57.sameCall;
          if (!(typeof data58 == "number" && !(data58 % 1) && !isNaN(data58) && isFinite(data58))) {
            const err108 = {
              instancePath: instancePath + "/loopGuard/sameCall",
              schemaPath: "#/properties/loopGuard/properties/sameCall/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err108];
            } else {
              vErrors.push(err108);
            }
            errors++;
          }
          if (typeof data58 == "number" && isFinite(data58)) {
            if (data58 > 10000 || isNaN(data58)) {
              const err109 = {
                instancePath: instancePath + "/loopGuard/sameCall",
                schemaPath: "#/properties/loopGuard/properties/sameCall/maximum",
                keyword: "maximum",
                params: { comparison: "<=", limit: 10000 },
                message: "must be <= 10000",
              };
              if (vErrors === null) {
                vErrors = [err109];
              } else {
                vErrors.push(err109);
              }
              errors++;
            }
            if (data58 < 2 || isNaN(data58)) {
              const err110 = {
                instancePath: instancePath + "/loopGuard/sameCall",
                schemaPath: "#/properties/loopGuard/properties/sameCall/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 2 },
                message: "must be >= 2",
              };
              if (vErrors === null) {
                vErrors = [err110];
              } else {
                vErrors.push(err110);
              }
              errors++;
            }
          }
        }
        if (data57.idleTurns !== undefined) {
          let data59 = data57.idleTurns;
          if (!(typeof data59 == "number" && !(data59 % 1) && !isNaN(data59) && isFinite(data59))) {
            const err111 = {
              instancePath: instancePath + "/loopGuard/idleTurns",
              schemaPath: "#/properties/loopGuard/properties/idleTurns/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err111];
            } else {
              vErrors.push(err111);
            }
            errors++;
          }
          if (typeof data59 == "number" && isFinite(data59)) {
            if (data59 > 10000 || isNaN(data59)) {
              const err112 = {
                instancePath: instancePath + "/loopGuard/idleTurns",
                schemaPath: "#/properties/loopGuard/properties/idleTurns/maximum",
                keyword: "maximum",
                params: { comparison: "<=", limit: 10000 },
                message: "must be <= 10000",
              };
              if (vErrors === null) {
                vErrors = [err112];
              } else {
                vErrors.push(err112);
              }
              errors++;
            }
            if (data59 < 1 || isNaN(data59)) {
              const err113 = {
                instancePath: instancePath + "/loopGuard/idleTurns",
                schemaPath: "#/properties/loopGuard/properties/idleTurns/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 1 },
                message: "must be >= 1",
              };
              if (vErrors === null) {
                vErrors = [err113];
              } else {
                vErrors.push(err113);
              }
              errors++;
            }
          }
        }
        if (data57.onTrip !== undefined) {
          let data60 = data57.onTrip;
          if (!(data60 === "pause" || data60 === "fail")) {
            const err114 = {
              instancePath: instancePath + "/loopGuard/onTrip",
              schemaPath: "#/properties/loopGuard/properties/onTrip/enum",
              keyword: "enum",
              params: { allowedValues: schema31.properties.loopGuard.properties.onTrip.enum },
              message: "must be equal to one of the allowed values",
            };
            if (vErrors === null) {
              vErrors = [err114];
            } else {
              vErrors.push(err114);
            }
            errors++;
          }
        }
      } else {
        const err115 = {
          instancePath: instancePath + "/loopGuard",
          schemaPath: "#/properties/loopGuard/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err115];
        } else {
          vErrors.push(err115);
        }
        errors++;
      }
    }
    if (data.deadlineMs !== undefined) {
      let data61 = data.deadlineMs;
      if (!(typeof data61 == "number" && !(data61 % 1) && !isNaN(data61) && isFinite(data61))) {
        const err116 = {
          instancePath: instancePath + "/deadlineMs",
          schemaPath: "#/properties/deadlineMs/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err116];
        } else {
          vErrors.push(err116);
        }
        errors++;
      }
      if (typeof data61 == "number" && isFinite(data61)) {
        if (data61 < 1 || isNaN(data61)) {
          const err117 = {
            instancePath: instancePath + "/deadlineMs",
            schemaPath: "#/properties/deadlineMs/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err117];
          } else {
            vErrors.push(err117);
          }
          errors++;
        }
      }
    }
    if (data.maxToolCallsPerTurn !== undefined) {
      let data62 = data.maxToolCallsPerTurn;
      if (!(typeof data62 == "number" && !(data62 % 1) && !isNaN(data62) && isFinite(data62))) {
        const err118 = {
          instancePath: instancePath + "/maxToolCallsPerTurn",
          schemaPath: "#/properties/maxToolCallsPerTurn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err118];
        } else {
          vErrors.push(err118);
        }
        errors++;
      }
      if (typeof data62 == "number" && isFinite(data62)) {
        if (data62 > 10000 || isNaN(data62)) {
          const err119 = {
            instancePath: instancePath + "/maxToolCallsPerTurn",
            schemaPath: "#/properties/maxToolCallsPerTurn/maximum",
            keyword: "maximum",
            params: { comparison: "<=", limit: 10000 },
            message: "must be <= 10000",
          };
          if (vErrors === null) {
            vErrors = [err119];
          } else {
            vErrors.push(err119);
          }
          errors++;
        }
        if (data62 < 1 || isNaN(data62)) {
          const err120 = {
            instancePath: instancePath + "/maxToolCallsPerTurn",
            schemaPath: "#/properties/maxToolCallsPerTurn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err120];
          } else {
            vErrors.push(err120);
          }
          errors++;
        }
      }
    }
    if (data.maxParallelToolCalls !== undefined) {
      let data63 = data.maxParallelToolCalls;
      if (!(typeof data63 == "number" && !(data63 % 1) && !isNaN(data63) && isFinite(data63))) {
        const err121 = {
          instancePath: instancePath + "/maxParallelToolCalls",
          schemaPath: "#/properties/maxParallelToolCalls/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err121];
        } else {
          vErrors.push(err121);
        }
        errors++;
      }
      if (typeof data63 == "number" && isFinite(data63)) {
        if (data63 > 10000 || isNaN(data63)) {
          const err122 = {
            instancePath: instancePath + "/maxParallelToolCalls",
            schemaPath: "#/properties/maxParallelToolCalls/maximum",
            keyword: "maximum",
            params: { comparison: "<=", limit: 10000 },
            message: "must be <= 10000",
          };
          if (vErrors === null) {
            vErrors = [err122];
          } else {
            vErrors.push(err122);
          }
          errors++;
        }
        if (data63 < 1 || isNaN(data63)) {
          const err123 = {
            instancePath: instancePath + "/maxParallelToolCalls",
            schemaPath: "#/properties/maxParallelToolCalls/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err123];
          } else {
            vErrors.push(err123);
          }
          errors++;
        }
      }
    }
    if (data.pricing !== undefined) {
      let data64 = data.pricing;
      if (data64 && typeof data64 == "object" && !Array.isArray(data64)) {
        if (data64.inputPerMTokUsd === undefined) {
          const err124 = {
            instancePath: instancePath + "/pricing",
            schemaPath: "#/properties/pricing/required",
            keyword: "required",
            params: { missingProperty: "inputPerMTokUsd" },
            message: "must have required property '" + "inputPerMTokUsd" + "'",
          };
          if (vErrors === null) {
            vErrors = [err124];
          } else {
            vErrors.push(err124);
          }
          errors++;
        }
        if (data64.outputPerMTokUsd === undefined) {
          const err125 = {
            instancePath: instancePath + "/pricing",
            schemaPath: "#/properties/pricing/required",
            keyword: "required",
            params: { missingProperty: "outputPerMTokUsd" },
            message: "must have required property '" + "outputPerMTokUsd" + "'",
          };
          if (vErrors === null) {
            vErrors = [err125];
          } else {
            vErrors.push(err125);
          }
          errors++;
        }
        for (const key10 in data64) {
          if (!(key10 === "inputPerMTokUsd" || key10 === "outputPerMTokUsd")) {
            const err126 = {
              instancePath: instancePath + "/pricing",
              schemaPath: "#/properties/pricing/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key10 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err126];
            } else {
              vErrors.push(err126);
            }
            errors++;
          }
        }
        if (data64.inputPerMTokUsd !== undefined) {
          let data65 = data64.inputPerMTokUsd;
          if (typeof data65 == "number" && isFinite(data65)) {
            if (data65 < 0 || isNaN(data65)) {
              const err127 = {
                instancePath: instancePath + "/pricing/inputPerMTokUsd",
                schemaPath: "#/properties/pricing/properties/inputPerMTokUsd/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err127];
              } else {
                vErrors.push(err127);
              }
              errors++;
            }
          } else {
            const err128 = {
              instancePath: instancePath + "/pricing/inputPerMTokUsd",
              schemaPath: "#/properties/pricing/properties/inputPerMTokUsd/type",
              keyword: "type",
              params: { type: "number" },
              message: "must be number",
            };
            if (vErrors === null) {
              vErrors = [err128];
            } else {
              vErrors.push(err128);
            }
            errors++;
          }
        }
        if (data64.outputPerMTokUsd !== undefined) {
          let data66 = data64.outputPerMTokUsd;
          if (typeof data66 == "number" && isFinite(data66)) {
            if (data66 < 0 || isNaN(data66)) {
              const err129 = {
                instancePath: instancePath + "/pricing/outputPerMTokUsd",
                schemaPath: "#/properties/pricing/properties/outputPerMTokUsd/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err129];
              } else {
                vErrors.push(err129);
              }
              errors++;
            }
          } else {
            const err130 = {
              instancePath: instancePath + "/pricing/outputPerMTokUsd",
              schemaPath: "#/properties/pricing/properties/outputPerMTokUsd/type",
              keyword: "type",
              params: { type: "number" },
              message: "must be number",
            };
            if (vErrors === null) {
              vErrors = [err130];
            } else {
              vErrors.push(err130);
            }
            errors++;
          }
        }
      } else {
        const err131 = {
          instancePath: instancePath + "/pricing",
          schemaPath: "#/properties/pricing/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err131];
        } else {
          vErrors.push(err131);
        }
        errors++;
      }
    }
  } else {
    const err132 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err132];
    } else {
      vErrors.push(err132);
    }
    errors++;
  }
  validate20.errors = vErrors;
  return errors === 0;
}
validate20.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const ApiError = validate21;
const schema34 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/api-error.v1.schema.json",
  title: "ApiError",
  description: "Error reply from any <prefix>.api.* endpoint.",
  type: "object",
  additionalProperties: false,
  required: ["v", "error"],
  properties: {
    v: { const: 1 },
    error: {
      type: "object",
      additionalProperties: false,
      required: ["kind", "message"],
      properties: {
        kind: { type: "string", minLength: 1 },
        message: { type: "string" },
        retryable: { type: "boolean" },
      },
    },
  },
};
function validate21(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/api-error.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate21.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.error === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "error" },
        message: "must have required property '" + "error" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === "v" || key0 === "error")) {
        const err2 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err3 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    }
    if (data.error !== undefined) {
      let data1 = data.error;
      if (data1 && typeof data1 == "object" && !Array.isArray(data1)) {
        if (data1.kind === undefined) {
          const err4 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "kind" },
            message: "must have required property '" + "kind" + "'",
          };
          if (vErrors === null) {
            vErrors = [err4];
          } else {
            vErrors.push(err4);
          }
          errors++;
        }
        if (data1.message === undefined) {
          const err5 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "message" },
            message: "must have required property '" + "message" + "'",
          };
          if (vErrors === null) {
            vErrors = [err5];
          } else {
            vErrors.push(err5);
          }
          errors++;
        }
        for (const key1 in data1) {
          if (!(key1 === "kind" || key1 === "message" || key1 === "retryable")) {
            const err6 = {
              instancePath: instancePath + "/error",
              schemaPath: "#/properties/error/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key1 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err6];
            } else {
              vErrors.push(err6);
            }
            errors++;
          }
        }
        if (data1.kind !== undefined) {
          let data2 = data1.kind;
          if (typeof data2 === "string") {
            if (func2(data2) < 1) {
              const err7 = {
                instancePath: instancePath + "/error/kind",
                schemaPath: "#/properties/error/properties/kind/minLength",
                keyword: "minLength",
                params: { limit: 1 },
                message: "must NOT have fewer than 1 characters",
              };
              if (vErrors === null) {
                vErrors = [err7];
              } else {
                vErrors.push(err7);
              }
              errors++;
            }
          } else {
            const err8 = {
              instancePath: instancePath + "/error/kind",
              schemaPath: "#/properties/error/properties/kind/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err8];
            } else {
              vErrors.push(err8);
            }
            errors++;
          }
        }
        if (data1.message !== undefined) {
          if (typeof data1.message !== "string") {
            const err9 = {
              instancePath: instancePath + "/error/message",
              schemaPath: "#/properties/error/properties/message/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err9];
            } else {
              vErrors.push(err9);
            }
            errors++;
          }
        }
        if (data1.retryable !== undefined) {
          if (typeof data1.retryable !== "boolean") {
            const err10 = {
              instancePath: instancePath + "/error/retryable",
              schemaPath: "#/properties/error/properties/retryable/type",
              keyword: "type",
              params: { type: "boolean" },
              message: "must be boolean",
            };
            if (vErrors === null) {
              vErrors = [err10];
            } else {
              vErrors.push(err10);
            }
            errors++;
          }
        }
      } else {
        const err11 = {
          instancePath: instancePath + "/error",
          schemaPath: "#/properties/error/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
  } else {
    const err12 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err12];
    } else {
      vErrors.push(err12);
    }
    errors++;
  }
  validate21.errors = vErrors;
  return errors === 0;
}
validate21.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const ApprovalRequest = validate22;
const schema35 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/approval-request.v1.schema.json",
  title: "ApprovalRequest",
  description:
    'Request to <prefix>.api.approve: approve or deny a tool call that waits for approval, or (callId "budget") a run paused at a budget, or (callId "loop") a run its stuck-loop guard paused.',
  type: "object",
  additionalProperties: false,
  required: ["runId", "callId", "decision"],
  properties: {
    v: {
      const: 1,
      description:
        "Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.",
    },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    callId: { type: "string", minLength: 1 },
    decision: { enum: ["approve", "deny"] },
    arguments: {
      type: "object",
      additionalProperties: true,
      description:
        "Approve with these arguments instead of the model's: only for a tool call whose tool allows it (argsEditable), with decision approve; they must validate against the tool's input schema.",
    },
    reason: { type: "string" },
    by: {
      type: "string",
      description: "Ignored (accepted for older clients): the planner records the caller's authenticated identity.",
    },
    result: {
      type: "string",
      maxLength: 65536,
      description:
        "Only for a call whose outcome is ambiguous (status approvals[].ambiguous), with decision approve: record this text as the call's result instead of running it again.",
    },
  },
};
function validate22(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/approval-request.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate22.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.runId === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.callId === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "callId" },
        message: "must have required property '" + "callId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.decision === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "decision" },
        message: "must have required property '" + "decision" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(
        key0 === "v" ||
        key0 === "runId" ||
        key0 === "callId" ||
        key0 === "decision" ||
        key0 === "arguments" ||
        key0 === "reason" ||
        key0 === "by" ||
        key0 === "result"
      )) {
        const err3 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err4 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err4];
        } else {
          vErrors.push(err4);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data1 = data.runId;
      if (typeof data1 === "string") {
        if (!pattern4.test(data1)) {
          const err5 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err5];
          } else {
            vErrors.push(err5);
          }
          errors++;
        }
      } else {
        const err6 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.callId !== undefined) {
      let data2 = data.callId;
      if (typeof data2 === "string") {
        if (func2(data2) < 1) {
          const err7 = {
            instancePath: instancePath + "/callId",
            schemaPath: "#/properties/callId/minLength",
            keyword: "minLength",
            params: { limit: 1 },
            message: "must NOT have fewer than 1 characters",
          };
          if (vErrors === null) {
            vErrors = [err7];
          } else {
            vErrors.push(err7);
          }
          errors++;
        }
      } else {
        const err8 = {
          instancePath: instancePath + "/callId",
          schemaPath: "#/properties/callId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.decision !== undefined) {
      let data3 = data.decision;
      if (!(data3 === "approve" || data3 === "deny")) {
        const err9 = {
          instancePath: instancePath + "/decision",
          schemaPath: "#/properties/decision/enum",
          keyword: "enum",
          params: { allowedValues: schema35.properties.decision.enum },
          message: "must be equal to one of the allowed values",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.arguments !== undefined) {
      let data4 = data.arguments;
      if (data4 && typeof data4 == "object" && !Array.isArray(data4)) {
      } else {
        const err10 = {
          instancePath: instancePath + "/arguments",
          schemaPath: "#/properties/arguments/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.reason !== undefined) {
      if (typeof data.reason !== "string") {
        const err11 = {
          instancePath: instancePath + "/reason",
          schemaPath: "#/properties/reason/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.by !== undefined) {
      if (typeof data.by !== "string") {
        const err12 = {
          instancePath: instancePath + "/by",
          schemaPath: "#/properties/by/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
    if (data.result !== undefined) {
      let data7 = data.result;
      if (typeof data7 === "string") {
        if (func2(data7) > 65536) {
          const err13 = {
            instancePath: instancePath + "/result",
            schemaPath: "#/properties/result/maxLength",
            keyword: "maxLength",
            params: { limit: 65536 },
            message: "must NOT have more than 65536 characters",
          };
          if (vErrors === null) {
            vErrors = [err13];
          } else {
            vErrors.push(err13);
          }
          errors++;
        }
      } else {
        const err14 = {
          instancePath: instancePath + "/result",
          schemaPath: "#/properties/result/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
    }
  } else {
    const err15 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err15];
    } else {
      vErrors.push(err15);
    }
    errors++;
  }
  validate22.errors = vErrors;
  return errors === 0;
}
validate22.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const CheckCommand = validate23;
const schema36 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/check-command.v1.schema.json",
  title: "CheckCommand",
  description:
    "Asks the llm-caller for a model-judged guardrail's verdict (a guardrail with `model`): the run's n-th check, on <prefix>.run.<runId>.cmd.check.<n>.<provider> (the guardrail's provider). The text checked (the task for input, the answer of <turn> for output) and the guardrail are rebuilt from the run history up to historySeq.",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "n", "turn", "point", "guardrail", "historySeq"],
  properties: {
    v: { const: 1 },
    type: { const: "check.command" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    n: {
      type: "integer",
      minimum: 1,
      description: "The run's checks are numbered 1, 2, … in the order the planner asks for them.",
    },
    turn: { type: "integer", minimum: 1 },
    point: { enum: ["input", "output"] },
    guardrail: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    historySeq: { type: "integer", minimum: 1 },
  },
};
function validate23(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/check-command.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate23.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.n === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "n" },
        message: "must have required property '" + "n" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.point === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "point" },
        message: "must have required property '" + "point" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.guardrail === undefined) {
      const err6 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "guardrail" },
        message: "must have required property '" + "guardrail" + "'",
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    if (data.historySeq === undefined) {
      const err7 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "historySeq" },
        message: "must have required property '" + "historySeq" + "'",
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(
        key0 === "v" ||
        key0 === "type" ||
        key0 === "runId" ||
        key0 === "n" ||
        key0 === "turn" ||
        key0 === "point" ||
        key0 === "guardrail" ||
        key0 === "historySeq"
      )) {
        const err8 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err9 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("check.command" !== data.type) {
        const err10 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "check.command" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err11 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err11];
          } else {
            vErrors.push(err11);
          }
          errors++;
        }
      } else {
        const err12 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
    if (data.n !== undefined) {
      let data3 = data.n;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err13 = {
          instancePath: instancePath + "/n",
          schemaPath: "#/properties/n/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 1 || isNaN(data3)) {
          const err14 = {
            instancePath: instancePath + "/n",
            schemaPath: "#/properties/n/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err14];
          } else {
            vErrors.push(err14);
          }
          errors++;
        }
      }
    }
    if (data.turn !== undefined) {
      let data4 = data.turn;
      if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
        const err15 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
      if (typeof data4 == "number" && isFinite(data4)) {
        if (data4 < 1 || isNaN(data4)) {
          const err16 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err16];
          } else {
            vErrors.push(err16);
          }
          errors++;
        }
      }
    }
    if (data.point !== undefined) {
      let data5 = data.point;
      if (!(data5 === "input" || data5 === "output")) {
        const err17 = {
          instancePath: instancePath + "/point",
          schemaPath: "#/properties/point/enum",
          keyword: "enum",
          params: { allowedValues: schema36.properties.point.enum },
          message: "must be equal to one of the allowed values",
        };
        if (vErrors === null) {
          vErrors = [err17];
        } else {
          vErrors.push(err17);
        }
        errors++;
      }
    }
    if (data.guardrail !== undefined) {
      let data6 = data.guardrail;
      if (typeof data6 === "string") {
        if (!pattern4.test(data6)) {
          const err18 = {
            instancePath: instancePath + "/guardrail",
            schemaPath: "#/properties/guardrail/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err18];
          } else {
            vErrors.push(err18);
          }
          errors++;
        }
      } else {
        const err19 = {
          instancePath: instancePath + "/guardrail",
          schemaPath: "#/properties/guardrail/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err19];
        } else {
          vErrors.push(err19);
        }
        errors++;
      }
    }
    if (data.historySeq !== undefined) {
      let data7 = data.historySeq;
      if (!(typeof data7 == "number" && !(data7 % 1) && !isNaN(data7) && isFinite(data7))) {
        const err20 = {
          instancePath: instancePath + "/historySeq",
          schemaPath: "#/properties/historySeq/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err20];
        } else {
          vErrors.push(err20);
        }
        errors++;
      }
      if (typeof data7 == "number" && isFinite(data7)) {
        if (data7 < 1 || isNaN(data7)) {
          const err21 = {
            instancePath: instancePath + "/historySeq",
            schemaPath: "#/properties/historySeq/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err21];
          } else {
            vErrors.push(err21);
          }
          errors++;
        }
      }
    }
  } else {
    const err22 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err22];
    } else {
      vErrors.push(err22);
    }
    errors++;
  }
  validate23.errors = vErrors;
  return errors === 0;
}
validate23.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const CheckResult = validate24;
const schema37 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/check-result.v1.schema.json",
  title: "CheckResult",
  description:
    "A model-judged guardrail's verdict, recorded by the llm-caller on <prefix>.run.<runId>.evt.check.<n> (at most one per check, ever): the planner reads it to record the point's guardrail verdict (run.guard), and replay reads it instead of asking the model again. ok false: the model call failed or its answer was not a verdict; the guardrail then trips with a pause (a human decides), never passes.",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "n", "turn", "point", "guardrail", "ok", "attempts"],
  properties: {
    v: { const: 1 },
    type: { const: "check.result" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    n: { type: "integer", minimum: 1 },
    turn: { type: "integer", minimum: 1 },
    point: { enum: ["input", "output"] },
    guardrail: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    ok: { type: "boolean" },
    tripped: { type: "boolean", description: "The model's verdict (ok true)." },
    reason: { type: "string", maxLength: 4096, description: "Why, in the model's words." },
    provider: { type: "string" },
    model: { type: "string" },
    usage: {
      type: "object",
      additionalProperties: false,
      required: ["inputTokens", "outputTokens"],
      properties: { inputTokens: { type: "integer", minimum: 0 }, outputTokens: { type: "integer", minimum: 0 } },
    },
    latencyMs: { type: "number", minimum: 0 },
    promptHash: {
      type: "string",
      description: "sha256 of the canonical check request, rebuilt from history by replay.",
    },
    historySeq: { type: "integer", minimum: 1 },
    attempts: { type: "integer", minimum: 1 },
    error: {
      type: "object",
      additionalProperties: false,
      required: ["kind", "message"],
      properties: {
        kind: { type: "string", minLength: 1 },
        message: { type: "string" },
        retryable: { type: "boolean" },
      },
    },
  },
};
function validate24(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/check-result.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate24.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.n === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "n" },
        message: "must have required property '" + "n" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.point === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "point" },
        message: "must have required property '" + "point" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.guardrail === undefined) {
      const err6 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "guardrail" },
        message: "must have required property '" + "guardrail" + "'",
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    if (data.ok === undefined) {
      const err7 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "ok" },
        message: "must have required property '" + "ok" + "'",
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    if (data.attempts === undefined) {
      const err8 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "attempts" },
        message: "must have required property '" + "attempts" + "'",
      };
      if (vErrors === null) {
        vErrors = [err8];
      } else {
        vErrors.push(err8);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema37.properties, key0)) {
        const err9 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err10 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("check.result" !== data.type) {
        const err11 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "check.result" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err12 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      } else {
        const err13 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (data.n !== undefined) {
      let data3 = data.n;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err14 = {
          instancePath: instancePath + "/n",
          schemaPath: "#/properties/n/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 1 || isNaN(data3)) {
          const err15 = {
            instancePath: instancePath + "/n",
            schemaPath: "#/properties/n/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err15];
          } else {
            vErrors.push(err15);
          }
          errors++;
        }
      }
    }
    if (data.turn !== undefined) {
      let data4 = data.turn;
      if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
        const err16 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err16];
        } else {
          vErrors.push(err16);
        }
        errors++;
      }
      if (typeof data4 == "number" && isFinite(data4)) {
        if (data4 < 1 || isNaN(data4)) {
          const err17 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err17];
          } else {
            vErrors.push(err17);
          }
          errors++;
        }
      }
    }
    if (data.point !== undefined) {
      let data5 = data.point;
      if (!(data5 === "input" || data5 === "output")) {
        const err18 = {
          instancePath: instancePath + "/point",
          schemaPath: "#/properties/point/enum",
          keyword: "enum",
          params: { allowedValues: schema37.properties.point.enum },
          message: "must be equal to one of the allowed values",
        };
        if (vErrors === null) {
          vErrors = [err18];
        } else {
          vErrors.push(err18);
        }
        errors++;
      }
    }
    if (data.guardrail !== undefined) {
      let data6 = data.guardrail;
      if (typeof data6 === "string") {
        if (!pattern4.test(data6)) {
          const err19 = {
            instancePath: instancePath + "/guardrail",
            schemaPath: "#/properties/guardrail/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err19];
          } else {
            vErrors.push(err19);
          }
          errors++;
        }
      } else {
        const err20 = {
          instancePath: instancePath + "/guardrail",
          schemaPath: "#/properties/guardrail/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err20];
        } else {
          vErrors.push(err20);
        }
        errors++;
      }
    }
    if (data.ok !== undefined) {
      if (typeof data.ok !== "boolean") {
        const err21 = {
          instancePath: instancePath + "/ok",
          schemaPath: "#/properties/ok/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err21];
        } else {
          vErrors.push(err21);
        }
        errors++;
      }
    }
    if (data.tripped !== undefined) {
      if (typeof data.tripped !== "boolean") {
        const err22 = {
          instancePath: instancePath + "/tripped",
          schemaPath: "#/properties/tripped/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err22];
        } else {
          vErrors.push(err22);
        }
        errors++;
      }
    }
    if (data.reason !== undefined) {
      let data9 = data.reason;
      if (typeof data9 === "string") {
        if (func2(data9) > 4096) {
          const err23 = {
            instancePath: instancePath + "/reason",
            schemaPath: "#/properties/reason/maxLength",
            keyword: "maxLength",
            params: { limit: 4096 },
            message: "must NOT have more than 4096 characters",
          };
          if (vErrors === null) {
            vErrors = [err23];
          } else {
            vErrors.push(err23);
          }
          errors++;
        }
      } else {
        const err24 = {
          instancePath: instancePath + "/reason",
          schemaPath: "#/properties/reason/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err24];
        } else {
          vErrors.push(err24);
        }
        errors++;
      }
    }
    if (data.provider !== undefined) {
      if (typeof data.provider !== "string") {
        const err25 = {
          instancePath: instancePath + "/provider",
          schemaPath: "#/properties/provider/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err25];
        } else {
          vErrors.push(err25);
        }
        errors++;
      }
    }
    if (data.model !== undefined) {
      if (typeof data.model !== "string") {
        const err26 = {
          instancePath: instancePath + "/model",
          schemaPath: "#/properties/model/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err26];
        } else {
          vErrors.push(err26);
        }
        errors++;
      }
    }
    if (data.usage !== undefined) {
      let data12 = data.usage;
      if (data12 && typeof data12 == "object" && !Array.isArray(data12)) {
        if (data12.inputTokens === undefined) {
          const err27 = {
            instancePath: instancePath + "/usage",
            schemaPath: "#/properties/usage/required",
            keyword: "required",
            params: { missingProperty: "inputTokens" },
            message: "must have required property '" + "inputTokens" + "'",
          };
          if (vErrors === null) {
            vErrors = [err27];
          } else {
            vErrors.push(err27);
          }
          errors++;
        }
        if (data12.outputTokens === undefined) {
          const err28 = {
            instancePath: instancePath + "/usage",
            schemaPath: "#/properties/usage/required",
            keyword: "required",
            params: { missingProperty: "outputTokens" },
            message: "must have required property '" + "outputTokens" + "'",
          };
          if (vErrors === null) {
            vErrors = [err28];
          } else {
            vErrors.push(err28);
          }
          errors++;
        }
        for (const key1 in data12) {
          if (!(key1 === "inputTokens" || key1 === "outputTokens")) {
            const err29 = {
              instancePath: instancePath + "/usage",
              schemaPath: "#/properties/usage/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key1 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err29];
            } else {
              vErrors.push(err29);
            }
            errors++;
          }
        }
        if (data12.inputTokens !== undefined) {
          let data13 = data12.inputTokens;
          if (!(typeof data13 == "number" && !(data13 % 1) && !isNaN(data13) && isFinite(data13))) {
            const err30 = {
              instancePath: instancePath + "/usage/inputTokens",
              schemaPath: "#/properties/usage/properties/inputTokens/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err30];
            } else {
              vErrors.push(err30);
            }
            errors++;
          }
          if (typeof data13 == "number" && isFinite(data13)) {
            if (data13 < 0 || isNaN(data13)) {
              const err31 = {
                instancePath: instancePath + "/usage/inputTokens",
                schemaPath: "#/properties/usage/properties/inputTokens/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err31];
              } else {
                vErrors.push(err31);
              }
              errors++;
            }
          }
        }
        if (data12.outputTokens !== undefined) {
          let data14 = data12.outputTokens;
          if (!(typeof data14 == "number" && !(data14 % 1) && !isNaN(data14) && isFinite(data14))) {
            const err32 = {
              instancePath: instancePath + "/usage/outputTokens",
              schemaPath: "#/properties/usage/properties/outputTokens/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err32];
            } else {
              vErrors.push(err32);
            }
            errors++;
          }
          if (typeof data14 == "number" && isFinite(data14)) {
            if (data14 < 0 || isNaN(data14)) {
              const err33 = {
                instancePath: instancePath + "/usage/outputTokens",
                schemaPath: "#/properties/usage/properties/outputTokens/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err33];
              } else {
                vErrors.push(err33);
              }
              errors++;
            }
          }
        }
      } else {
        const err34 = {
          instancePath: instancePath + "/usage",
          schemaPath: "#/properties/usage/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err34];
        } else {
          vErrors.push(err34);
        }
        errors++;
      }
    }
    if (data.latencyMs !== undefined) {
      let data15 = data.latencyMs;
      if (typeof data15 == "number" && isFinite(data15)) {
        if (data15 < 0 || isNaN(data15)) {
          const err35 = {
            instancePath: instancePath + "/latencyMs",
            schemaPath: "#/properties/latencyMs/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err35];
          } else {
            vErrors.push(err35);
          }
          errors++;
        }
      } else {
        const err36 = {
          instancePath: instancePath + "/latencyMs",
          schemaPath: "#/properties/latencyMs/type",
          keyword: "type",
          params: { type: "number" },
          message: "must be number",
        };
        if (vErrors === null) {
          vErrors = [err36];
        } else {
          vErrors.push(err36);
        }
        errors++;
      }
    }
    if (data.promptHash !== undefined) {
      if (typeof data.promptHash !== "string") {
        const err37 = {
          instancePath: instancePath + "/promptHash",
          schemaPath: "#/properties/promptHash/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err37];
        } else {
          vErrors.push(err37);
        }
        errors++;
      }
    }
    if (data.historySeq !== undefined) {
      let data17 = data.historySeq;
      if (!(typeof data17 == "number" && !(data17 % 1) && !isNaN(data17) && isFinite(data17))) {
        const err38 = {
          instancePath: instancePath + "/historySeq",
          schemaPath: "#/properties/historySeq/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err38];
        } else {
          vErrors.push(err38);
        }
        errors++;
      }
      if (typeof data17 == "number" && isFinite(data17)) {
        if (data17 < 1 || isNaN(data17)) {
          const err39 = {
            instancePath: instancePath + "/historySeq",
            schemaPath: "#/properties/historySeq/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err39];
          } else {
            vErrors.push(err39);
          }
          errors++;
        }
      }
    }
    if (data.attempts !== undefined) {
      let data18 = data.attempts;
      if (!(typeof data18 == "number" && !(data18 % 1) && !isNaN(data18) && isFinite(data18))) {
        const err40 = {
          instancePath: instancePath + "/attempts",
          schemaPath: "#/properties/attempts/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err40];
        } else {
          vErrors.push(err40);
        }
        errors++;
      }
      if (typeof data18 == "number" && isFinite(data18)) {
        if (data18 < 1 || isNaN(data18)) {
          const err41 = {
            instancePath: instancePath + "/attempts",
            schemaPath: "#/properties/attempts/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err41];
          } else {
            vErrors.push(err41);
          }
          errors++;
        }
      }
    }
    if (data.error !== undefined) {
      let data19 = data.error;
      if (data19 && typeof data19 == "object" && !Array.isArray(data19)) {
        if (data19.kind === undefined) {
          const err42 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "kind" },
            message: "must have required property '" + "kind" + "'",
          };
          if (vErrors === null) {
            vErrors = [err42];
          } else {
            vErrors.push(err42);
          }
          errors++;
        }
        if (data19.message === undefined) {
          const err43 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "message" },
            message: "must have required property '" + "message" + "'",
          };
          if (vErrors === null) {
            vErrors = [err43];
          } else {
            vErrors.push(err43);
          }
          errors++;
        }
        for (const key2 in data19) {
          if (!(key2 === "kind" || key2 === "message" || key2 === "retryable")) {
            const err44 = {
              instancePath: instancePath + "/error",
              schemaPath: "#/properties/error/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key2 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err44];
            } else {
              vErrors.push(err44);
            }
            errors++;
          }
        }
        if (data19.kind !== undefined) {
          let data20 = data19.kind;
          if (typeof data20 === "string") {
            if (func2(data20) < 1) {
              const err45 = {
                instancePath: instancePath + "/error/kind",
                schemaPath: "#/properties/error/properties/kind/minLength",
                keyword: "minLength",
                params: { limit: 1 },
                message: "must NOT have fewer than 1 characters",
              };
              if (vErrors === null) {
                vErrors = [err45];
              } else {
                vErrors.push(err45);
              }
              errors++;
            }
          } else {
            const err46 = {
              instancePath: instancePath + "/error/kind",
              schemaPath: "#/properties/error/properties/kind/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err46];
            } else {
              vErrors.push(err46);
            }
            errors++;
          }
        }
        if (data19.message !== undefined) {
          if (typeof data19.message !== "string") {
            const err47 = {
              instancePath: instancePath + "/error/message",
              schemaPath: "#/properties/error/properties/message/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err47];
            } else {
              vErrors.push(err47);
            }
            errors++;
          }
        }
        if (data19.retryable !== undefined) {
          if (typeof data19.retryable !== "boolean") {
            const err48 = {
              instancePath: instancePath + "/error/retryable",
              schemaPath: "#/properties/error/properties/retryable/type",
              keyword: "type",
              params: { type: "boolean" },
              message: "must be boolean",
            };
            if (vErrors === null) {
              vErrors = [err48];
            } else {
              vErrors.push(err48);
            }
            errors++;
          }
        }
      } else {
        const err49 = {
          instancePath: instancePath + "/error",
          schemaPath: "#/properties/error/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err49];
        } else {
          vErrors.push(err49);
        }
        errors++;
      }
    }
  } else {
    const err50 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err50];
    } else {
      vErrors.push(err50);
    }
    errors++;
  }
  validate24.errors = vErrors;
  return errors === 0;
}
validate24.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const ListReply = validate25;
const schema38 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/list-reply.v1.schema.json",
  title: "ListReply",
  description:
    "Reply from <prefix>.api.list: newest first. A page may hold fewer runs than asked for and still have a cursor: the index was examined up to a bound per request (filters that match few runs), and the next page continues from there.",
  type: "object",
  additionalProperties: false,
  required: ["v", "runs"],
  properties: {
    v: { const: 1 },
    runs: { type: "array", items: { $ref: "https://cairn.dev/schemas/run-status.v1.schema.json" } },
    cursor: {
      type: "string",
      description: "Present when more runs may follow: pass it as ListRequest.cursor for the next page.",
    },
    examined: { type: "integer", minimum: 0, description: "Index entries examined for this page." },
    counts: {
      type: "object",
      additionalProperties: false,
      required: ["awaiting_approval", "running", "completed", "failed", "cancelled"],
      description:
        "When the request asked for them (ListRequest.counts): how many runs the caller may see have each status, with the request's tenant and agent filters applied (not its status, metadata, time or cursor). Runs that were archived or purged count with the status they ended with. Kept by each planner from the runs index's writes as they come, so a run's change shows within the index's progress interval; a planner reads the whole index once when first asked (seconds for 100,000 runs) and answers without counts until it has: ask again.",
      properties: {
        awaiting_approval: { type: "integer", minimum: 0 },
        running: { type: "integer", minimum: 0 },
        completed: { type: "integer", minimum: 0 },
        failed: { type: "integer", minimum: 0 },
        cancelled: { type: "integer", minimum: 0 },
      },
    },
  },
};
const schema39 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/run-status.v1.schema.json",
  title: "RunStatus",
  description: "A run summary, folded from its log (status reply, and the entries of the runs index).",
  type: "object",
  additionalProperties: false,
  required: ["v", "runId", "status", "task", "agent", "turn", "toolCalls", "usage", "errors", "submittedAt"],
  properties: {
    v: { const: 1 },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    status: { enum: ["running", "awaiting_approval", "completed", "failed", "cancelled"] },
    task: { type: "string" },
    agent: { type: "string" },
    turn: { type: "integer", minimum: 0 },
    toolCalls: { type: "integer", minimum: 0 },
    waitingFor: { type: "array", items: { type: "string" } },
    waitingForRunner: {
      type: "array",
      items: { type: "string" },
      description:
        "Tools or model providers the run waits on that no live worker serves right now (the call waits; it proceeds when one starts).",
    },
    waitingOn: {
      type: "array",
      description:
        "What the run waits on next, structured: a model call of a provider or a tool call (`waitingFor` says it in words).",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["kind", "name"],
        properties: { kind: { enum: ["llm", "tool"] }, name: { type: "string" } },
      },
    },
    answer: { type: "string" },
    guardPause: {
      type: "object",
      additionalProperties: false,
      required: ["turn", "point", "guardrail", "message"],
      properties: {
        turn: { type: "integer" },
        point: { enum: ["input", "output"] },
        guardrail: { type: "string" },
        message: { type: "string" },
      },
      description:
        "The run waits for a human because a guardrail with onTrip pause tripped: cairn approve <runId> guard goes on as if it had not, cairn deny <runId> guard ends the run failed.",
    },
    activeAgent: {
      type: "string",
      description:
        "The agent the run was handed to (handoffs), when it is not `agent` any more: the next model turn is its.",
    },
    messages: { type: "integer", minimum: 1, description: "Messages sent to the run (cairn send)." },
    answeredMessages: {
      type: "integer",
      minimum: 0,
      description:
        "Of them, how many a model answer has followed: message n is answered when this is n or more (the answer is `answer`).",
    },
    awaitingMessage: {
      const: true,
      description: "A conversation that answered and waits for the next message (status running).",
    },
    output: {
      anyOf: [
        { type: "object" },
        { type: "array" },
        { type: "string" },
        { type: "number" },
        { type: "boolean" },
        { type: "null" },
      ],
      description: "The final answer parsed as JSON, for an agent with structured output.",
    },
    reason: { type: "string" },
    costUsd: { type: "number", minimum: 0 },
    approvals: {
      type: "array",
      description: "Tool calls waiting for a human decision.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["turn", "index", "callId", "tool", "arguments"],
        properties: {
          turn: { type: "integer" },
          index: { type: "integer" },
          callId: { type: "string" },
          tool: { type: "string" },
          arguments: { type: "string" },
          argsEditable: {
            type: "boolean",
            description: "The approver may replace the arguments (cairn approve --args).",
          },
          reason: { type: "string" },
          ambiguous: {
            type: "object",
            additionalProperties: false,
            required: ["round", "effect", "reason"],
            description:
              "Set when the call was started and left no result (a reconcile tool whose reconcile could not answer, or an irreversible tool): whether its effect landed is unknown. approve runs it again, deny records a failure, approve with a result records that.",
            properties: {
              round: { type: "integer", minimum: 0 },
              effect: { enum: ["reconcile", "irreversible"] },
              reason: { type: "string" },
            },
          },
        },
      },
    },
    budgetPause: {
      type: "object",
      additionalProperties: false,
      required: ["turn", "kind", "message"],
      properties: { turn: { type: "integer" }, kind: { type: "string" }, message: { type: "string" } },
      description:
        "The run waits for a human to let it go past a budget (agent onBudgetExceeded: approve): `cairn approve <runId> budget` or `cairn deny <runId> budget`.",
    },
    loopPause: {
      type: "object",
      additionalProperties: false,
      required: ["turn", "pattern", "count", "sinceTurn", "message"],
      properties: {
        turn: { type: "integer", description: "The model turn the run would start next, and waits before." },
        pattern: {
          enum: ["same_call", "idle_turns"],
          description:
            "same_call: one tool called with the same arguments loopGuard.sameCall times; idle_turns: loopGuard.idleTurns consecutive turns with no new tool result.",
        },
        tool: { type: "string", description: "same_call: the tool called again and again." },
        arguments: { type: "string", description: "same_call: its arguments, as canonical JSON." },
        count: {
          type: "integer",
          description: "same_call: how many times it was called; idle_turns: how many consecutive idle turns.",
        },
        sinceTurn: {
          type: "integer",
          description: "The first turn counted: 1, or the turn of the last approval to go on.",
        },
        message: { type: "string" },
      },
      description:
        "The run's stuck-loop guard tripped (agent loopGuard, onTrip: pause): it waits for a human before its next model call: `cairn approve <runId> loop` (go on, the counts reset) or `cairn deny <runId> loop` (end it failed, reason stuck_loop).",
    },
    usage: {
      type: "object",
      additionalProperties: false,
      required: ["inputTokens", "outputTokens"],
      properties: { inputTokens: { type: "integer", minimum: 0 }, outputTokens: { type: "integer", minimum: 0 } },
    },
    retries: {
      type: "integer",
      minimum: 1,
      description: "Failed attempts of the run's steps that were retried (retry notices in its log); absent when none.",
    },
    errors: {
      type: "integer",
      minimum: 0,
      description:
        "Problems recorded on the run: messages a service could not read or run (retry notices are counted in retries).",
    },
    submittedAt: { type: "string" },
    endedAt: { type: "string" },
    lastSeq: { type: "integer", minimum: 0 },
    traceId: {
      type: "string",
      pattern: "^[0-9a-f]{32}$",
      description:
        "The run's OpenTelemetry trace id (from the trace context stored with its submission): search for it in Jaeger to open the run's trace. Absent when the run was submitted without tracing.",
    },
    purgedAt: {
      type: "string",
      description: "Set in the runs index when the run's history was purged from the stream (cairn purge).",
    },
    tenant: {
      type: "string",
      pattern: "^[A-Za-z0-9_-]{1,64}$",
      description: "The tenant the run belongs to (absent: the deployment's own account).",
    },
    metadata: {
      type: "object",
      additionalProperties: { type: "string" },
      description: "The submission's user metadata (SubmitRequest.metadata, `cairn submit --meta key=value`).",
    },
    archivedAt: {
      type: "string",
      description:
        "Set in the runs index when the run's log was sealed into the archive stream (cairn archive): replay, export, fork, status and read read it from there.",
    },
    archive: {
      type: "object",
      additionalProperties: false,
      required: ["seqs", "sha256", "bytes", "messages"],
      description:
        "Where the archived log is: the archive stream's sequences of its chunks, in order, and the SHA-256 and size of their concatenation.",
      properties: {
        seqs: { type: "array", items: { type: "integer", minimum: 1 }, minItems: 1 },
        sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
        bytes: { type: "integer", minimum: 0 },
        guardPause: {
          type: "object",
          additionalProperties: false,
          required: ["turn", "point", "guardrail", "message"],
          properties: {
            turn: { type: "integer" },
            point: { enum: ["input", "output"] },
            guardrail: { type: "string" },
            message: { type: "string" },
          },
          description:
            "The run waits for a human because a guardrail with onTrip pause tripped: cairn approve <runId> guard goes on as if it had not, cairn deny <runId> guard ends the run failed.",
        },
        activeAgent: {
          type: "string",
          description:
            "The agent the run was handed to (handoffs), when it is not `agent` any more: the next model turn is its.",
        },
        messages: { type: "integer", minimum: 0 },
      },
    },
  },
};
const pattern15 = new RegExp("^[0-9a-f]{32}$", "u");
const pattern17 = new RegExp("^[0-9a-f]{64}$", "u");
function validate25(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/list-reply.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate25.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.runs === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runs" },
        message: "must have required property '" + "runs" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === "v" || key0 === "runs" || key0 === "cursor" || key0 === "examined" || key0 === "counts")) {
        const err2 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err3 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    }
    if (data.runs !== undefined) {
      let data1 = data.runs;
      if (Array.isArray(data1)) {
        const len0 = data1.length;
        for (let i0 = 0; i0 < len0; i0++) {
          let data2 = data1[i0];
          if (data2 && typeof data2 == "object" && !Array.isArray(data2)) {
            if (data2.v === undefined) {
              const err4 = {
                instancePath: instancePath + "/runs/" + i0,
                schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/required",
                keyword: "required",
                params: { missingProperty: "v" },
                message: "must have required property '" + "v" + "'",
              };
              if (vErrors === null) {
                vErrors = [err4];
              } else {
                vErrors.push(err4);
              }
              errors++;
            }
            if (data2.runId === undefined) {
              const err5 = {
                instancePath: instancePath + "/runs/" + i0,
                schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/required",
                keyword: "required",
                params: { missingProperty: "runId" },
                message: "must have required property '" + "runId" + "'",
              };
              if (vErrors === null) {
                vErrors = [err5];
              } else {
                vErrors.push(err5);
              }
              errors++;
            }
            if (data2.status === undefined) {
              const err6 = {
                instancePath: instancePath + "/runs/" + i0,
                schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/required",
                keyword: "required",
                params: { missingProperty: "status" },
                message: "must have required property '" + "status" + "'",
              };
              if (vErrors === null) {
                vErrors = [err6];
              } else {
                vErrors.push(err6);
              }
              errors++;
            }
            if (data2.task === undefined) {
              const err7 = {
                instancePath: instancePath + "/runs/" + i0,
                schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/required",
                keyword: "required",
                params: { missingProperty: "task" },
                message: "must have required property '" + "task" + "'",
              };
              if (vErrors === null) {
                vErrors = [err7];
              } else {
                vErrors.push(err7);
              }
              errors++;
            }
            if (data2.agent === undefined) {
              const err8 = {
                instancePath: instancePath + "/runs/" + i0,
                schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/required",
                keyword: "required",
                params: { missingProperty: "agent" },
                message: "must have required property '" + "agent" + "'",
              };
              if (vErrors === null) {
                vErrors = [err8];
              } else {
                vErrors.push(err8);
              }
              errors++;
            }
            if (data2.turn === undefined) {
              const err9 = {
                instancePath: instancePath + "/runs/" + i0,
                schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/required",
                keyword: "required",
                params: { missingProperty: "turn" },
                message: "must have required property '" + "turn" + "'",
              };
              if (vErrors === null) {
                vErrors = [err9];
              } else {
                vErrors.push(err9);
              }
              errors++;
            }
            if (data2.toolCalls === undefined) {
              const err10 = {
                instancePath: instancePath + "/runs/" + i0,
                schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/required",
                keyword: "required",
                params: { missingProperty: "toolCalls" },
                message: "must have required property '" + "toolCalls" + "'",
              };
              if (vErrors === null) {
                vErrors = [err10];
              } else {
                vErrors.push(err10);
              }
              errors++;
            }
            if (data2.usage === undefined) {
              const err11 = {
                instancePath: instancePath + "/runs/" + i0,
                schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/required",
                keyword: "required",
                params: { missingProperty: "usage" },
                message: "must have required property '" + "usage" + "'",
              };
              if (vErrors === null) {
                vErrors = [err11];
              } else {
                vErrors.push(err11);
              }
              errors++;
            }
            if (data2.errors === undefined) {
              const err12 = {
                instancePath: instancePath + "/runs/" + i0,
                schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/required",
                keyword: "required",
                params: { missingProperty: "errors" },
                message: "must have required property '" + "errors" + "'",
              };
              if (vErrors === null) {
                vErrors = [err12];
              } else {
                vErrors.push(err12);
              }
              errors++;
            }
            if (data2.submittedAt === undefined) {
              const err13 = {
                instancePath: instancePath + "/runs/" + i0,
                schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/required",
                keyword: "required",
                params: { missingProperty: "submittedAt" },
                message: "must have required property '" + "submittedAt" + "'",
              };
              if (vErrors === null) {
                vErrors = [err13];
              } else {
                vErrors.push(err13);
              }
              errors++;
            }
            for (const key1 in data2) {
              if (!func1.call(schema39.properties, key1)) {
                const err14 = {
                  instancePath: instancePath + "/runs/" + i0,
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/additionalProperties",
                  keyword: "additionalProperties",
                  params: { additionalProperty: key1 },
                  message: "must NOT have additional properties",
                };
                if (vErrors === null) {
                  vErrors = [err14];
                } else {
                  vErrors.push(err14);
                }
                errors++;
              }
            }
            if (data2.v !== undefined) {
              if (1 !== data2.v) {
                const err15 = {
                  instancePath: instancePath + "/runs/" + i0 + "/v",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/v/const",
                  keyword: "const",
                  params: { allowedValue: 1 },
                  message: "must be equal to constant",
                };
                if (vErrors === null) {
                  vErrors = [err15];
                } else {
                  vErrors.push(err15);
                }
                errors++;
              }
            }
            if (data2.runId !== undefined) {
              let data4 = data2.runId;
              if (typeof data4 === "string") {
                if (!pattern4.test(data4)) {
                  const err16 = {
                    instancePath: instancePath + "/runs/" + i0 + "/runId",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/runId/pattern",
                    keyword: "pattern",
                    params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
                    message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
                  };
                  if (vErrors === null) {
                    vErrors = [err16];
                  } else {
                    vErrors.push(err16);
                  }
                  errors++;
                }
              } else {
                const err17 = {
                  instancePath: instancePath + "/runs/" + i0 + "/runId",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/runId/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err17];
                } else {
                  vErrors.push(err17);
                }
                errors++;
              }
            }
            if (data2.status !== undefined) {
              let data5 = data2.status;
              if (!(
                data5 === "running" ||
                data5 === "awaiting_approval" ||
                data5 === "completed" ||
                data5 === "failed" ||
                data5 === "cancelled"
              )) {
                const err18 = {
                  instancePath: instancePath + "/runs/" + i0 + "/status",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/status/enum",
                  keyword: "enum",
                  params: { allowedValues: schema39.properties.status.enum },
                  message: "must be equal to one of the allowed values",
                };
                if (vErrors === null) {
                  vErrors = [err18];
                } else {
                  vErrors.push(err18);
                }
                errors++;
              }
            }
            if (data2.task !== undefined) {
              if (typeof data2.task !== "string") {
                const err19 = {
                  instancePath: instancePath + "/runs/" + i0 + "/task",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/task/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err19];
                } else {
                  vErrors.push(err19);
                }
                errors++;
              }
            }
            if (data2.agent !== undefined) {
              if (typeof data2.agent !== "string") {
                const err20 = {
                  instancePath: instancePath + "/runs/" + i0 + "/agent",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/agent/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err20];
                } else {
                  vErrors.push(err20);
                }
                errors++;
              }
            }
            if (data2.turn !== undefined) {
              let data8 = data2.turn;
              if (!(typeof data8 == "number" && !(data8 % 1) && !isNaN(data8) && isFinite(data8))) {
                const err21 = {
                  instancePath: instancePath + "/runs/" + i0 + "/turn",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/turn/type",
                  keyword: "type",
                  params: { type: "integer" },
                  message: "must be integer",
                };
                if (vErrors === null) {
                  vErrors = [err21];
                } else {
                  vErrors.push(err21);
                }
                errors++;
              }
              if (typeof data8 == "number" && isFinite(data8)) {
                if (data8 < 0 || isNaN(data8)) {
                  const err22 = {
                    instancePath: instancePath + "/runs/" + i0 + "/turn",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/turn/minimum",
                    keyword: "minimum",
                    params: { comparison: ">=", limit: 0 },
                    message: "must be >= 0",
                  };
                  if (vErrors === null) {
                    vErrors = [err22];
                  } else {
                    vErrors.push(err22);
                  }
                  errors++;
                }
              }
            }
            if (data2.toolCalls !== undefined) {
              let data9 = data2.toolCalls;
              if (!(typeof data9 == "number" && !(data9 % 1) && !isNaN(data9) && isFinite(data9))) {
                const err23 = {
                  instancePath: instancePath + "/runs/" + i0 + "/toolCalls",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/toolCalls/type",
                  keyword: "type",
                  params: { type: "integer" },
                  message: "must be integer",
                };
                if (vErrors === null) {
                  vErrors = [err23];
                } else {
                  vErrors.push(err23);
                }
                errors++;
              }
              if (typeof data9 == "number" && isFinite(data9)) {
                if (data9 < 0 || isNaN(data9)) {
                  const err24 = {
                    instancePath: instancePath + "/runs/" + i0 + "/toolCalls",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/toolCalls/minimum",
                    keyword: "minimum",
                    params: { comparison: ">=", limit: 0 },
                    message: "must be >= 0",
                  };
                  if (vErrors === null) {
                    vErrors = [err24];
                  } else {
                    vErrors.push(err24);
                  }
                  errors++;
                }
              }
            }
            if (data2.waitingFor !== undefined) {
              let data10 = data2.waitingFor;
              if (Array.isArray(data10)) {
                const len1 = data10.length;
                for (let i1 = 0; i1 < len1; i1++) {
                  if (typeof data10[i1] !== "string") {
                    const err25 = {
                      instancePath: instancePath + "/runs/" + i0 + "/waitingFor/" + i1,
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/waitingFor/items/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err25];
                    } else {
                      vErrors.push(err25);
                    }
                    errors++;
                  }
                }
              } else {
                const err26 = {
                  instancePath: instancePath + "/runs/" + i0 + "/waitingFor",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/waitingFor/type",
                  keyword: "type",
                  params: { type: "array" },
                  message: "must be array",
                };
                if (vErrors === null) {
                  vErrors = [err26];
                } else {
                  vErrors.push(err26);
                }
                errors++;
              }
            }
            if (data2.waitingForRunner !== undefined) {
              let data12 = data2.waitingForRunner;
              if (Array.isArray(data12)) {
                const len2 = data12.length;
                for (let i2 = 0; i2 < len2; i2++) {
                  if (typeof data12[i2] !== "string") {
                    const err27 = {
                      instancePath: instancePath + "/runs/" + i0 + "/waitingForRunner/" + i2,
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/waitingForRunner/items/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err27];
                    } else {
                      vErrors.push(err27);
                    }
                    errors++;
                  }
                }
              } else {
                const err28 = {
                  instancePath: instancePath + "/runs/" + i0 + "/waitingForRunner",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/waitingForRunner/type",
                  keyword: "type",
                  params: { type: "array" },
                  message: "must be array",
                };
                if (vErrors === null) {
                  vErrors = [err28];
                } else {
                  vErrors.push(err28);
                }
                errors++;
              }
            }
            if (data2.waitingOn !== undefined) {
              let data14 = data2.waitingOn;
              if (Array.isArray(data14)) {
                const len3 = data14.length;
                for (let i3 = 0; i3 < len3; i3++) {
                  let data15 = data14[i3];
                  if (data15 && typeof data15 == "object" && !Array.isArray(data15)) {
                    if (data15.kind === undefined) {
                      const err29 = {
                        instancePath: instancePath + "/runs/" + i0 + "/waitingOn/" + i3,
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/waitingOn/items/required",
                        keyword: "required",
                        params: { missingProperty: "kind" },
                        message: "must have required property '" + "kind" + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err29];
                      } else {
                        vErrors.push(err29);
                      }
                      errors++;
                    }
                    if (data15.name === undefined) {
                      const err30 = {
                        instancePath: instancePath + "/runs/" + i0 + "/waitingOn/" + i3,
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/waitingOn/items/required",
                        keyword: "required",
                        params: { missingProperty: "name" },
                        message: "must have required property '" + "name" + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err30];
                      } else {
                        vErrors.push(err30);
                      }
                      errors++;
                    }
                    for (const key2 in data15) {
                      if (!(key2 === "kind" || key2 === "name")) {
                        const err31 = {
                          instancePath: instancePath + "/runs/" + i0 + "/waitingOn/" + i3,
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/waitingOn/items/additionalProperties",
                          keyword: "additionalProperties",
                          params: { additionalProperty: key2 },
                          message: "must NOT have additional properties",
                        };
                        if (vErrors === null) {
                          vErrors = [err31];
                        } else {
                          vErrors.push(err31);
                        }
                        errors++;
                      }
                    }
                    if (data15.kind !== undefined) {
                      let data16 = data15.kind;
                      if (!(data16 === "llm" || data16 === "tool")) {
                        const err32 = {
                          instancePath: instancePath + "/runs/" + i0 + "/waitingOn/" + i3 + "/kind",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/waitingOn/items/properties/kind/enum",
                          keyword: "enum",
                          params: { allowedValues: schema39.properties.waitingOn.items.properties.kind.enum },
                          message: "must be equal to one of the allowed values",
                        };
                        if (vErrors === null) {
                          vErrors = [err32];
                        } else {
                          vErrors.push(err32);
                        }
                        errors++;
                      }
                    }
                    if (data15.name !== undefined) {
                      if (typeof data15.name !== "string") {
                        const err33 = {
                          instancePath: instancePath + "/runs/" + i0 + "/waitingOn/" + i3 + "/name",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/waitingOn/items/properties/name/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                        };
                        if (vErrors === null) {
                          vErrors = [err33];
                        } else {
                          vErrors.push(err33);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err34 = {
                      instancePath: instancePath + "/runs/" + i0 + "/waitingOn/" + i3,
                      schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/waitingOn/items/type",
                      keyword: "type",
                      params: { type: "object" },
                      message: "must be object",
                    };
                    if (vErrors === null) {
                      vErrors = [err34];
                    } else {
                      vErrors.push(err34);
                    }
                    errors++;
                  }
                }
              } else {
                const err35 = {
                  instancePath: instancePath + "/runs/" + i0 + "/waitingOn",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/waitingOn/type",
                  keyword: "type",
                  params: { type: "array" },
                  message: "must be array",
                };
                if (vErrors === null) {
                  vErrors = [err35];
                } else {
                  vErrors.push(err35);
                }
                errors++;
              }
            }
            if (data2.answer !== undefined) {
              if (typeof data2.answer !== "string") {
                const err36 = {
                  instancePath: instancePath + "/runs/" + i0 + "/answer",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/answer/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err36];
                } else {
                  vErrors.push(err36);
                }
                errors++;
              }
            }
            if (data2.guardPause !== undefined) {
              let data19 = data2.guardPause;
              if (data19 && typeof data19 == "object" && !Array.isArray(data19)) {
                if (data19.turn === undefined) {
                  const err37 = {
                    instancePath: instancePath + "/runs/" + i0 + "/guardPause",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/guardPause/required",
                    keyword: "required",
                    params: { missingProperty: "turn" },
                    message: "must have required property '" + "turn" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err37];
                  } else {
                    vErrors.push(err37);
                  }
                  errors++;
                }
                if (data19.point === undefined) {
                  const err38 = {
                    instancePath: instancePath + "/runs/" + i0 + "/guardPause",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/guardPause/required",
                    keyword: "required",
                    params: { missingProperty: "point" },
                    message: "must have required property '" + "point" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err38];
                  } else {
                    vErrors.push(err38);
                  }
                  errors++;
                }
                if (data19.guardrail === undefined) {
                  const err39 = {
                    instancePath: instancePath + "/runs/" + i0 + "/guardPause",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/guardPause/required",
                    keyword: "required",
                    params: { missingProperty: "guardrail" },
                    message: "must have required property '" + "guardrail" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err39];
                  } else {
                    vErrors.push(err39);
                  }
                  errors++;
                }
                if (data19.message === undefined) {
                  const err40 = {
                    instancePath: instancePath + "/runs/" + i0 + "/guardPause",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/guardPause/required",
                    keyword: "required",
                    params: { missingProperty: "message" },
                    message: "must have required property '" + "message" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err40];
                  } else {
                    vErrors.push(err40);
                  }
                  errors++;
                }
                for (const key3 in data19) {
                  if (!(key3 === "turn" || key3 === "point" || key3 === "guardrail" || key3 === "message")) {
                    const err41 = {
                      instancePath: instancePath + "/runs/" + i0 + "/guardPause",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/guardPause/additionalProperties",
                      keyword: "additionalProperties",
                      params: { additionalProperty: key3 },
                      message: "must NOT have additional properties",
                    };
                    if (vErrors === null) {
                      vErrors = [err41];
                    } else {
                      vErrors.push(err41);
                    }
                    errors++;
                  }
                }
                if (data19.turn !== undefined) {
                  let data20 = data19.turn;
                  if (!(typeof data20 == "number" && !(data20 % 1) && !isNaN(data20) && isFinite(data20))) {
                    const err42 = {
                      instancePath: instancePath + "/runs/" + i0 + "/guardPause/turn",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/guardPause/properties/turn/type",
                      keyword: "type",
                      params: { type: "integer" },
                      message: "must be integer",
                    };
                    if (vErrors === null) {
                      vErrors = [err42];
                    } else {
                      vErrors.push(err42);
                    }
                    errors++;
                  }
                }
                if (data19.point !== undefined) {
                  let data21 = data19.point;
                  if (!(data21 === "input" || data21 === "output")) {
                    const err43 = {
                      instancePath: instancePath + "/runs/" + i0 + "/guardPause/point",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/guardPause/properties/point/enum",
                      keyword: "enum",
                      params: { allowedValues: schema39.properties.guardPause.properties.point.enum },
                      message: "must be equal to one of the allowed values",
                    };
                    if (vErrors === null) {
                      vErrors = [err43];
                    } else {
                      vErrors.push(err43);
                    }
                    errors++;
                  }
                }
                if (data19.guardrail !== undefined) {
                  if (typeof data19.guardrail !== "string") {
                    const err44 = {
                      instancePath: instancePath + "/runs/" + i0 + "/guardPause/guardrail",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/guardPause/properties/guardrail/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err44];
                    } else {
                      vErrors.push(err44);
                    }
                    errors++;
                  }
                }
                if (data19.message !== undefined) {
                  if (typeof data19.message !== "string") {
                    const err45 = {
                      instancePath: instancePath + "/runs/" + i0 + "/guardPause/message",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/guardPause/properties/message/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err45];
                    } else {
                      vErrors.push(err45);
                    }
                    errors++;
                  }
                }
              } else {
                const err46 = {
                  instancePath: instancePath + "/runs/" + i0 + "/guardPause",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/guardPause/type",
                  keyword: "type",
                  params: { type: "object" },
                  message: "must be object",
                };
                if (vErrors === null) {
                  vErrors = [err46];
                } else {
                  vErrors.push(err46);
                }
                errors++;
              }
            }
            if (data2.activeAgent !== undefined) {
              if (typeof data2.activeAgent !== "string") {
                const err47 = {
                  instancePath: instancePath + "/runs/" + i0 + "/activeAgent",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/activeAgent/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err47];
                } else {
                  vErrors.push(err47);
                }
                errors++;
              }
            }
            if (data2.messages !== undefined) {
              let data25 = data2.messages;
              if (!(typeof data25 == "number" && !(data25 % 1) && !isNaN(data25) && isFinite(data25))) {
                const err48 = {
                  instancePath: instancePath + "/runs/" + i0 + "/messages",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/messages/type",
                  keyword: "type",
                  params: { type: "integer" },
                  message: "must be integer",
                };
                if (vErrors === null) {
                  vErrors = [err48];
                } else {
                  vErrors.push(err48);
                }
                errors++;
              }
              if (typeof data25 == "number" && isFinite(data25)) {
                if (data25 < 1 || isNaN(data25)) {
                  const err49 = {
                    instancePath: instancePath + "/runs/" + i0 + "/messages",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/messages/minimum",
                    keyword: "minimum",
                    params: { comparison: ">=", limit: 1 },
                    message: "must be >= 1",
                  };
                  if (vErrors === null) {
                    vErrors = [err49];
                  } else {
                    vErrors.push(err49);
                  }
                  errors++;
                }
              }
            }
            if (data2.answeredMessages !== undefined) {
              let data26 = data2.answeredMessages;
              if (!(typeof data26 == "number" && !(data26 % 1) && !isNaN(data26) && isFinite(data26))) {
                const err50 = {
                  instancePath: instancePath + "/runs/" + i0 + "/answeredMessages",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/answeredMessages/type",
                  keyword: "type",
                  params: { type: "integer" },
                  message: "must be integer",
                };
                if (vErrors === null) {
                  vErrors = [err50];
                } else {
                  vErrors.push(err50);
                }
                errors++;
              }
              if (typeof data26 == "number" && isFinite(data26)) {
                if (data26 < 0 || isNaN(data26)) {
                  const err51 = {
                    instancePath: instancePath + "/runs/" + i0 + "/answeredMessages",
                    schemaPath:
                      "https://cairn.dev/schemas/run-status.v1.schema.json/properties/answeredMessages/minimum",
                    keyword: "minimum",
                    params: { comparison: ">=", limit: 0 },
                    message: "must be >= 0",
                  };
                  if (vErrors === null) {
                    vErrors = [err51];
                  } else {
                    vErrors.push(err51);
                  }
                  errors++;
                }
              }
            }
            if (data2.awaitingMessage !== undefined) {
              if (true !== data2.awaitingMessage) {
                const err52 = {
                  instancePath: instancePath + "/runs/" + i0 + "/awaitingMessage",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/awaitingMessage/const",
                  keyword: "const",
                  params: { allowedValue: true },
                  message: "must be equal to constant",
                };
                if (vErrors === null) {
                  vErrors = [err52];
                } else {
                  vErrors.push(err52);
                }
                errors++;
              }
            }
            if (data2.output !== undefined) {
              let data28 = data2.output;
              const _errs57 = errors;
              let valid13 = false;
              const _errs58 = errors;
              if (!(data28 && typeof data28 == "object" && !Array.isArray(data28))) {
                const err53 = {
                  instancePath: instancePath + "/runs/" + i0 + "/output",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/output/anyOf/0/type",
                  keyword: "type",
                  params: { type: "object" },
                  message: "must be object",
                };
                if (vErrors === null) {
                  vErrors = [err53];
                } else {
                  vErrors.push(err53);
                }
                errors++;
              }
              var _valid0 = _errs58 === errors;
              valid13 = valid13 || _valid0;
              const _errs60 = errors;
              if (!Array.isArray(data28)) {
                const err54 = {
                  instancePath: instancePath + "/runs/" + i0 + "/output",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/output/anyOf/1/type",
                  keyword: "type",
                  params: { type: "array" },
                  message: "must be array",
                };
                if (vErrors === null) {
                  vErrors = [err54];
                } else {
                  vErrors.push(err54);
                }
                errors++;
              }
              var _valid0 = _errs60 === errors;
              valid13 = valid13 || _valid0;
              const _errs62 = errors;
              if (typeof data28 !== "string") {
                const err55 = {
                  instancePath: instancePath + "/runs/" + i0 + "/output",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/output/anyOf/2/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err55];
                } else {
                  vErrors.push(err55);
                }
                errors++;
              }
              var _valid0 = _errs62 === errors;
              valid13 = valid13 || _valid0;
              const _errs64 = errors;
              if (!(typeof data28 == "number" && isFinite(data28))) {
                const err56 = {
                  instancePath: instancePath + "/runs/" + i0 + "/output",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/output/anyOf/3/type",
                  keyword: "type",
                  params: { type: "number" },
                  message: "must be number",
                };
                if (vErrors === null) {
                  vErrors = [err56];
                } else {
                  vErrors.push(err56);
                }
                errors++;
              }
              var _valid0 = _errs64 === errors;
              valid13 = valid13 || _valid0;
              const _errs66 = errors;
              if (typeof data28 !== "boolean") {
                const err57 = {
                  instancePath: instancePath + "/runs/" + i0 + "/output",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/output/anyOf/4/type",
                  keyword: "type",
                  params: { type: "boolean" },
                  message: "must be boolean",
                };
                if (vErrors === null) {
                  vErrors = [err57];
                } else {
                  vErrors.push(err57);
                }
                errors++;
              }
              var _valid0 = _errs66 === errors;
              valid13 = valid13 || _valid0;
              const _errs68 = errors;
              if (data28 !== null) {
                const err58 = {
                  instancePath: instancePath + "/runs/" + i0 + "/output",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/output/anyOf/5/type",
                  keyword: "type",
                  params: { type: "null" },
                  message: "must be null",
                };
                if (vErrors === null) {
                  vErrors = [err58];
                } else {
                  vErrors.push(err58);
                }
                errors++;
              }
              var _valid0 = _errs68 === errors;
              valid13 = valid13 || _valid0;
              if (!valid13) {
                const err59 = {
                  instancePath: instancePath + "/runs/" + i0 + "/output",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/output/anyOf",
                  keyword: "anyOf",
                  params: {},
                  message: "must match a schema in anyOf",
                };
                if (vErrors === null) {
                  vErrors = [err59];
                } else {
                  vErrors.push(err59);
                }
                errors++;
              } else {
                errors = _errs57;
                if (vErrors !== null) {
                  if (_errs57) {
                    vErrors.length = _errs57;
                  } else {
                    vErrors = null;
                  }
                }
              }
            }
            if (data2.reason !== undefined) {
              if (typeof data2.reason !== "string") {
                const err60 = {
                  instancePath: instancePath + "/runs/" + i0 + "/reason",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/reason/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err60];
                } else {
                  vErrors.push(err60);
                }
                errors++;
              }
            }
            if (data2.costUsd !== undefined) {
              let data30 = data2.costUsd;
              if (typeof data30 == "number" && isFinite(data30)) {
                if (data30 < 0 || isNaN(data30)) {
                  const err61 = {
                    instancePath: instancePath + "/runs/" + i0 + "/costUsd",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/costUsd/minimum",
                    keyword: "minimum",
                    params: { comparison: ">=", limit: 0 },
                    message: "must be >= 0",
                  };
                  if (vErrors === null) {
                    vErrors = [err61];
                  } else {
                    vErrors.push(err61);
                  }
                  errors++;
                }
              } else {
                const err62 = {
                  instancePath: instancePath + "/runs/" + i0 + "/costUsd",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/costUsd/type",
                  keyword: "type",
                  params: { type: "number" },
                  message: "must be number",
                };
                if (vErrors === null) {
                  vErrors = [err62];
                } else {
                  vErrors.push(err62);
                }
                errors++;
              }
            }
            if (data2.approvals !== undefined) {
              let data31 = data2.approvals;
              if (Array.isArray(data31)) {
                const len4 = data31.length;
                for (let i4 = 0; i4 < len4; i4++) {
                  let data32 = data31[i4];
                  if (data32 && typeof data32 == "object" && !Array.isArray(data32)) {
                    if (data32.turn === undefined) {
                      const err63 = {
                        instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4,
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/required",
                        keyword: "required",
                        params: { missingProperty: "turn" },
                        message: "must have required property '" + "turn" + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err63];
                      } else {
                        vErrors.push(err63);
                      }
                      errors++;
                    }
                    if (data32.index === undefined) {
                      const err64 = {
                        instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4,
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/required",
                        keyword: "required",
                        params: { missingProperty: "index" },
                        message: "must have required property '" + "index" + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err64];
                      } else {
                        vErrors.push(err64);
                      }
                      errors++;
                    }
                    if (data32.callId === undefined) {
                      const err65 = {
                        instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4,
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/required",
                        keyword: "required",
                        params: { missingProperty: "callId" },
                        message: "must have required property '" + "callId" + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err65];
                      } else {
                        vErrors.push(err65);
                      }
                      errors++;
                    }
                    if (data32.tool === undefined) {
                      const err66 = {
                        instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4,
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/required",
                        keyword: "required",
                        params: { missingProperty: "tool" },
                        message: "must have required property '" + "tool" + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err66];
                      } else {
                        vErrors.push(err66);
                      }
                      errors++;
                    }
                    if (data32.arguments === undefined) {
                      const err67 = {
                        instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4,
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/required",
                        keyword: "required",
                        params: { missingProperty: "arguments" },
                        message: "must have required property '" + "arguments" + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err67];
                      } else {
                        vErrors.push(err67);
                      }
                      errors++;
                    }
                    for (const key4 in data32) {
                      if (!(
                        key4 === "turn" ||
                        key4 === "index" ||
                        key4 === "callId" ||
                        key4 === "tool" ||
                        key4 === "arguments" ||
                        key4 === "argsEditable" ||
                        key4 === "reason" ||
                        key4 === "ambiguous"
                      )) {
                        const err68 = {
                          instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4,
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/additionalProperties",
                          keyword: "additionalProperties",
                          params: { additionalProperty: key4 },
                          message: "must NOT have additional properties",
                        };
                        if (vErrors === null) {
                          vErrors = [err68];
                        } else {
                          vErrors.push(err68);
                        }
                        errors++;
                      }
                    }
                    if (data32.turn !== undefined) {
                      let data33 = data32.turn;
                      if (!(typeof data33 == "number" && !(data33 % 1) && !isNaN(data33) && isFinite(data33))) {
                        const err69 = {
                          instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/turn",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/turn/type",
                          keyword: "type",
                          params: { type: "integer" },
                          message: "must be integer",
                        };
                        if (vErrors === null) {
                          vErrors = [err69];
                        } else {
                          vErrors.push(err69);
                        }
                        errors++;
                      }
                    }
                    if (data32.index !== undefined) {
                      let data34 = data32.index;
                      if (!(typeof data34 == "number" && !(data34 % 1) && !isNaN(data34) && isFinite(data34))) {
                        const err70 = {
                          instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/index",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/index/type",
                          keyword: "type",
                          params: { type: "integer" },
                          message: "must be integer",
                        };
                        if (vErrors === null) {
                          vErrors = [err70];
                        } else {
                          vErrors.push(err70);
                        }
                        errors++;
                      }
                    }
                    if (data32.callId !== undefined) {
                      if (typeof data32.callId !== "string") {
                        const err71 = {
                          instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/callId",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/callId/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                        };
                        if (vErrors === null) {
                          vErrors = [err71];
                        } else {
                          vErrors.push(err71);
                        }
                        errors++;
                      }
                    }
                    if (data32.tool !== undefined) {
                      if (typeof data32.tool !== "string") {
                        const err72 = {
                          instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/tool",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/tool/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                        };
                        if (vErrors === null) {
                          vErrors = [err72];
                        } else {
                          vErrors.push(err72);
                        }
                        errors++;
                      }
                    }
                    if (data32.arguments !== undefined) {
                      if (typeof data32.arguments !== "string") {
                        const err73 = {
                          instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/arguments",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/arguments/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                        };
                        if (vErrors === null) {
                          vErrors = [err73];
                        } else {
                          vErrors.push(err73);
                        }
                        errors++;
                      }
                    }
                    if (data32.argsEditable !== undefined) {
                      if (typeof data32.argsEditable !== "boolean") {
                        const err74 = {
                          instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/argsEditable",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/argsEditable/type",
                          keyword: "type",
                          params: { type: "boolean" },
                          message: "must be boolean",
                        };
                        if (vErrors === null) {
                          vErrors = [err74];
                        } else {
                          vErrors.push(err74);
                        }
                        errors++;
                      }
                    }
                    if (data32.reason !== undefined) {
                      if (typeof data32.reason !== "string") {
                        const err75 = {
                          instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/reason",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/reason/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                        };
                        if (vErrors === null) {
                          vErrors = [err75];
                        } else {
                          vErrors.push(err75);
                        }
                        errors++;
                      }
                    }
                    if (data32.ambiguous !== undefined) {
                      let data40 = data32.ambiguous;
                      if (data40 && typeof data40 == "object" && !Array.isArray(data40)) {
                        if (data40.round === undefined) {
                          const err76 = {
                            instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/ambiguous",
                            schemaPath:
                              "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/ambiguous/required",
                            keyword: "required",
                            params: { missingProperty: "round" },
                            message: "must have required property '" + "round" + "'",
                          };
                          if (vErrors === null) {
                            vErrors = [err76];
                          } else {
                            vErrors.push(err76);
                          }
                          errors++;
                        }
                        if (data40.effect === undefined) {
                          const err77 = {
                            instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/ambiguous",
                            schemaPath:
                              "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/ambiguous/required",
                            keyword: "required",
                            params: { missingProperty: "effect" },
                            message: "must have required property '" + "effect" + "'",
                          };
                          if (vErrors === null) {
                            vErrors = [err77];
                          } else {
                            vErrors.push(err77);
                          }
                          errors++;
                        }
                        if (data40.reason === undefined) {
                          const err78 = {
                            instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/ambiguous",
                            schemaPath:
                              "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/ambiguous/required",
                            keyword: "required",
                            params: { missingProperty: "reason" },
                            message: "must have required property '" + "reason" + "'",
                          };
                          if (vErrors === null) {
                            vErrors = [err78];
                          } else {
                            vErrors.push(err78);
                          }
                          errors++;
                        }
                        for (const key5 in data40) {
                          if (!(key5 === "round" || key5 === "effect" || key5 === "reason")) {
                            const err79 = {
                              instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/ambiguous",
                              schemaPath:
                                "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/ambiguous/additionalProperties",
                              keyword: "additionalProperties",
                              params: { additionalProperty: key5 },
                              message: "must NOT have additional properties",
                            };
                            if (vErrors === null) {
                              vErrors = [err79];
                            } else {
                              vErrors.push(err79);
                            }
                            errors++;
                          }
                        }
                        if (data40.round !== undefined) {
                          let data41 = data40.round;
                          if (!(typeof data41 == "number" && !(data41 % 1) && !isNaN(data41) && isFinite(data41))) {
                            const err80 = {
                              instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/ambiguous/round",
                              schemaPath:
                                "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/ambiguous/properties/round/type",
                              keyword: "type",
                              params: { type: "integer" },
                              message: "must be integer",
                            };
                            if (vErrors === null) {
                              vErrors = [err80];
                            } else {
                              vErrors.push(err80);
                            }
                            errors++;
                          }
                          if (typeof data41 == "number" && isFinite(data41)) {
                            if (data41 < 0 || isNaN(data41)) {
                              const err81 = {
                                instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/ambiguous/round",
                                schemaPath:
                                  "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/ambiguous/properties/round/minimum",
                                keyword: "minimum",
                                params: { comparison: ">=", limit: 0 },
                                message: "must be >= 0",
                              };
                              if (vErrors === null) {
                                vErrors = [err81];
                              } else {
                                vErrors.push(err81);
                              }
                              errors++;
                            }
                          }
                        }
                        if (data40.effect !== undefined) {
                          let data42 = data40.effect;
                          if (!(data42 === "reconcile" || data42 === "irreversible")) {
                            const err82 = {
                              instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/ambiguous/effect",
                              schemaPath:
                                "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/ambiguous/properties/effect/enum",
                              keyword: "enum",
                              params: {
                                allowedValues:
                                  schema39.properties.approvals.items.properties.ambiguous.properties.effect.enum,
                              },
                              message: "must be equal to one of the allowed values",
                            };
                            if (vErrors === null) {
                              vErrors = [err82];
                            } else {
                              vErrors.push(err82);
                            }
                            errors++;
                          }
                        }
                        if (data40.reason !== undefined) {
                          if (typeof data40.reason !== "string") {
                            const err83 = {
                              instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/ambiguous/reason",
                              schemaPath:
                                "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/ambiguous/properties/reason/type",
                              keyword: "type",
                              params: { type: "string" },
                              message: "must be string",
                            };
                            if (vErrors === null) {
                              vErrors = [err83];
                            } else {
                              vErrors.push(err83);
                            }
                            errors++;
                          }
                        }
                      } else {
                        const err84 = {
                          instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4 + "/ambiguous",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/properties/ambiguous/type",
                          keyword: "type",
                          params: { type: "object" },
                          message: "must be object",
                        };
                        if (vErrors === null) {
                          vErrors = [err84];
                        } else {
                          vErrors.push(err84);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err85 = {
                      instancePath: instancePath + "/runs/" + i0 + "/approvals/" + i4,
                      schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/items/type",
                      keyword: "type",
                      params: { type: "object" },
                      message: "must be object",
                    };
                    if (vErrors === null) {
                      vErrors = [err85];
                    } else {
                      vErrors.push(err85);
                    }
                    errors++;
                  }
                }
              } else {
                const err86 = {
                  instancePath: instancePath + "/runs/" + i0 + "/approvals",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/approvals/type",
                  keyword: "type",
                  params: { type: "array" },
                  message: "must be array",
                };
                if (vErrors === null) {
                  vErrors = [err86];
                } else {
                  vErrors.push(err86);
                }
                errors++;
              }
            }
            if (data2.budgetPause !== undefined) {
              let data44 = data2.budgetPause;
              if (data44 && typeof data44 == "object" && !Array.isArray(data44)) {
                if (data44.turn === undefined) {
                  const err87 = {
                    instancePath: instancePath + "/runs/" + i0 + "/budgetPause",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/budgetPause/required",
                    keyword: "required",
                    params: { missingProperty: "turn" },
                    message: "must have required property '" + "turn" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err87];
                  } else {
                    vErrors.push(err87);
                  }
                  errors++;
                }
                if (data44.kind === undefined) {
                  const err88 = {
                    instancePath: instancePath + "/runs/" + i0 + "/budgetPause",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/budgetPause/required",
                    keyword: "required",
                    params: { missingProperty: "kind" },
                    message: "must have required property '" + "kind" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err88];
                  } else {
                    vErrors.push(err88);
                  }
                  errors++;
                }
                if (data44.message === undefined) {
                  const err89 = {
                    instancePath: instancePath + "/runs/" + i0 + "/budgetPause",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/budgetPause/required",
                    keyword: "required",
                    params: { missingProperty: "message" },
                    message: "must have required property '" + "message" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err89];
                  } else {
                    vErrors.push(err89);
                  }
                  errors++;
                }
                for (const key6 in data44) {
                  if (!(key6 === "turn" || key6 === "kind" || key6 === "message")) {
                    const err90 = {
                      instancePath: instancePath + "/runs/" + i0 + "/budgetPause",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/budgetPause/additionalProperties",
                      keyword: "additionalProperties",
                      params: { additionalProperty: key6 },
                      message: "must NOT have additional properties",
                    };
                    if (vErrors === null) {
                      vErrors = [err90];
                    } else {
                      vErrors.push(err90);
                    }
                    errors++;
                  }
                }
                if (data44.turn !== undefined) {
                  let data45 = data44.turn;
                  if (!(typeof data45 == "number" && !(data45 % 1) && !isNaN(data45) && isFinite(data45))) {
                    const err91 = {
                      instancePath: instancePath + "/runs/" + i0 + "/budgetPause/turn",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/budgetPause/properties/turn/type",
                      keyword: "type",
                      params: { type: "integer" },
                      message: "must be integer",
                    };
                    if (vErrors === null) {
                      vErrors = [err91];
                    } else {
                      vErrors.push(err91);
                    }
                    errors++;
                  }
                }
                if (data44.kind !== undefined) {
                  if (typeof data44.kind !== "string") {
                    const err92 = {
                      instancePath: instancePath + "/runs/" + i0 + "/budgetPause/kind",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/budgetPause/properties/kind/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err92];
                    } else {
                      vErrors.push(err92);
                    }
                    errors++;
                  }
                }
                if (data44.message !== undefined) {
                  if (typeof data44.message !== "string") {
                    const err93 = {
                      instancePath: instancePath + "/runs/" + i0 + "/budgetPause/message",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/budgetPause/properties/message/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err93];
                    } else {
                      vErrors.push(err93);
                    }
                    errors++;
                  }
                }
              } else {
                const err94 = {
                  instancePath: instancePath + "/runs/" + i0 + "/budgetPause",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/budgetPause/type",
                  keyword: "type",
                  params: { type: "object" },
                  message: "must be object",
                };
                if (vErrors === null) {
                  vErrors = [err94];
                } else {
                  vErrors.push(err94);
                }
                errors++;
              }
            }
            if (data2.loopPause !== undefined) {
              let data48 = data2.loopPause;
              if (data48 && typeof data48 == "object" && !Array.isArray(data48)) {
                if (data48.turn === undefined) {
                  const err95 = {
                    instancePath: instancePath + "/runs/" + i0 + "/loopPause",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/required",
                    keyword: "required",
                    params: { missingProperty: "turn" },
                    message: "must have required property '" + "turn" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err95];
                  } else {
                    vErrors.push(err95);
                  }
                  errors++;
                }
                if (data48.pattern === undefined) {
                  const err96 = {
                    instancePath: instancePath + "/runs/" + i0 + "/loopPause",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/required",
                    keyword: "required",
                    params: { missingProperty: "pattern" },
                    message: "must have required property '" + "pattern" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err96];
                  } else {
                    vErrors.push(err96);
                  }
                  errors++;
                }
                if (data48.count === undefined) {
                  const err97 = {
                    instancePath: instancePath + "/runs/" + i0 + "/loopPause",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/required",
                    keyword: "required",
                    params: { missingProperty: "count" },
                    message: "must have required property '" + "count" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err97];
                  } else {
                    vErrors.push(err97);
                  }
                  errors++;
                }
                if (data48.sinceTurn === undefined) {
                  const err98 = {
                    instancePath: instancePath + "/runs/" + i0 + "/loopPause",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/required",
                    keyword: "required",
                    params: { missingProperty: "sinceTurn" },
                    message: "must have required property '" + "sinceTurn" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err98];
                  } else {
                    vErrors.push(err98);
                  }
                  errors++;
                }
                if (data48.message === undefined) {
                  const err99 = {
                    instancePath: instancePath + "/runs/" + i0 + "/loopPause",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/required",
                    keyword: "required",
                    params: { missingProperty: "message" },
                    message: "must have required property '" + "message" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err99];
                  } else {
                    vErrors.push(err99);
                  }
                  errors++;
                }
                for (const key7 in data48) {
                  if (!(
                    key7 === "turn" ||
                    key7 === "pattern" ||
                    key7 === "tool" ||
                    key7 === "arguments" ||
                    key7 === "count" ||
                    key7 === "sinceTurn" ||
                    key7 === "message"
                  )) {
                    const err100 = {
                      instancePath: instancePath + "/runs/" + i0 + "/loopPause",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/additionalProperties",
                      keyword: "additionalProperties",
                      params: { additionalProperty: key7 },
                      message: "must NOT have additional properties",
                    };
                    if (vErrors === null) {
                      vErrors = [err100];
                    } else {
                      vErrors.push(err100);
                    }
                    errors++;
                  }
                }
                if (data48.turn !== undefined) {
                  let data49 = data48.turn;
                  if (!(typeof data49 == "number" && !(data49 % 1) && !isNaN(data49) && isFinite(data49))) {
                    const err101 = {
                      instancePath: instancePath + "/runs/" + i0 + "/loopPause/turn",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/properties/turn/type",
                      keyword: "type",
                      params: { type: "integer" },
                      message: "must be integer",
                    };
                    if (vErrors === null) {
                      vErrors = [err101];
                    } else {
                      vErrors.push(err101);
                    }
                    errors++;
                  }
                }
                if (data48.pattern !== undefined) {
                  let data50 = data48.pattern;
                  if (!(data50 === "same_call" || data50 === "idle_turns")) {
                    const err102 = {
                      instancePath: instancePath + "/runs/" + i0 + "/loopPause/pattern",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/properties/pattern/enum",
                      keyword: "enum",
                      params: { allowedValues: schema39.properties.loopPause.properties.pattern.enum },
                      message: "must be equal to one of the allowed values",
                    };
                    if (vErrors === null) {
                      vErrors = [err102];
                    } else {
                      vErrors.push(err102);
                    }
                    errors++;
                  }
                }
                if (data48.tool !== undefined) {
                  if (typeof data48.tool !== "string") {
                    const err103 = {
                      instancePath: instancePath + "/runs/" + i0 + "/loopPause/tool",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/properties/tool/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err103];
                    } else {
                      vErrors.push(err103);
                    }
                    errors++;
                  }
                }
                if (data48.arguments !== undefined) {
                  if (typeof data48.arguments !== "string") {
                    const err104 = {
                      instancePath: instancePath + "/runs/" + i0 + "/loopPause/arguments",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/properties/arguments/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err104];
                    } else {
                      vErrors.push(err104);
                    }
                    errors++;
                  }
                }
                if (data48.count !== undefined) {
                  let data53 = data48.count;
                  if (!(typeof data53 == "number" && !(data53 % 1) && !isNaN(data53) && isFinite(data53))) {
                    const err105 = {
                      instancePath: instancePath + "/runs/" + i0 + "/loopPause/count",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/properties/count/type",
                      keyword: "type",
                      params: { type: "integer" },
                      message: "must be integer",
                    };
                    if (vErrors === null) {
                      vErrors = [err105];
                    } else {
                      vErrors.push(err105);
                    }
                    errors++;
                  }
                }
                if (data48.sinceTurn !== undefined) {
                  let data54 = data48.sinceTurn;
                  if (!(typeof data54 == "number" && !(data54 % 1) && !isNaN(data54) && isFinite(data54))) {
                    const err106 = {
                      instancePath: instancePath + "/runs/" + i0 + "/loopPause/sinceTurn",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/properties/sinceTurn/type",
                      keyword: "type",
                      params: { type: "integer" },
                      message: "must be integer",
                    };
                    if (vErrors === null) {
                      vErrors = [err106];
                    } else {
                      vErrors.push(err106);
                    }
                    errors++;
                  }
                }
                if (data48.message !== undefined) {
                  if (typeof data48.message !== "string") {
                    const err107 = {
                      instancePath: instancePath + "/runs/" + i0 + "/loopPause/message",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/properties/message/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err107];
                    } else {
                      vErrors.push(err107);
                    }
                    errors++;
                  }
                }
              } else {
                const err108 = {
                  instancePath: instancePath + "/runs/" + i0 + "/loopPause",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/loopPause/type",
                  keyword: "type",
                  params: { type: "object" },
                  message: "must be object",
                };
                if (vErrors === null) {
                  vErrors = [err108];
                } else {
                  vErrors.push(err108);
                }
                errors++;
              }
            }
            if (data2.usage !== undefined) {
              let data56 = data2.usage;
              if (data56 && typeof data56 == "object" && !Array.isArray(data56)) {
                if (data56.inputTokens === undefined) {
                  const err109 = {
                    instancePath: instancePath + "/runs/" + i0 + "/usage",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/usage/required",
                    keyword: "required",
                    params: { missingProperty: "inputTokens" },
                    message: "must have required property '" + "inputTokens" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err109];
                  } else {
                    vErrors.push(err109);
                  }
                  errors++;
                }
                if (data56.outputTokens === undefined) {
                  const err110 = {
                    instancePath: instancePath + "/runs/" + i0 + "/usage",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/usage/required",
                    keyword: "required",
                    params: { missingProperty: "outputTokens" },
                    message: "must have required property '" + "outputTokens" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err110];
                  } else {
                    vErrors.push(err110);
                  }
                  errors++;
                }
                for (const key8 in data56) {
                  if (!(key8 === "inputTokens" || key8 === "outputTokens")) {
                    const err111 = {
                      instancePath: instancePath + "/runs/" + i0 + "/usage",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/usage/additionalProperties",
                      keyword: "additionalProperties",
                      params: { additionalProperty: key8 },
                      message: "must NOT have additional properties",
                    };
                    if (vErrors === null) {
                      vErrors = [err111];
                    } else {
                      vErrors.push(err111);
                    }
                    errors++;
                  }
                }
                if (data56.inputTokens !== undefined) {
                  let data57 = data56.inputTokens;
                  if (!(typeof data57 == "number" && !(data57 % 1) && !isNaN(data57) && isFinite(data57))) {
                    const err112 = {
                      instancePath: instancePath + "/runs/" + i0 + "/usage/inputTokens",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/usage/properties/inputTokens/type",
                      keyword: "type",
                      params: { type: "integer" },
                      message: "must be integer",
                    };
                    if (vErrors === null) {
                      vErrors = [err112];
                    } else {
                      vErrors.push(err112);
                    }
                    errors++;
                  }
                  if (typeof data57 == "number" && isFinite(data57)) {
                    if (data57 < 0 || isNaN(data57)) {
                      const err113 = {
                        instancePath: instancePath + "/runs/" + i0 + "/usage/inputTokens",
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/usage/properties/inputTokens/minimum",
                        keyword: "minimum",
                        params: { comparison: ">=", limit: 0 },
                        message: "must be >= 0",
                      };
                      if (vErrors === null) {
                        vErrors = [err113];
                      } else {
                        vErrors.push(err113);
                      }
                      errors++;
                    }
                  }
                }
                if (data56.outputTokens !== undefined) {
                  let data58 = data56.outputTokens;
                  if (!(typeof data58 == "number" && !(data58 % 1) && !isNaN(data58) && isFinite(data58))) {
                    const err114 = {
                      instancePath: instancePath + "/runs/" + i0 + "/usage/outputTokens",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/usage/properties/outputTokens/type",
                      keyword: "type",
                      params: { type: "integer" },
                      message: "must be integer",
                    };
                    if (vErrors === null) {
                      vErrors = [err114];
                    } else {
                      vErrors.push(err114);
                    }
                    errors++;
                  }
                  if (typeof data58 == "number" && isFinite(data58)) {
                    if (data58 < 0 || isNaN(data58)) {
                      const err115 = {
                        instancePath: instancePath + "/runs/" + i0 + "/usage/outputTokens",
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/usage/properties/outputTokens/minimum",
                        keyword: "minimum",
                        params: { comparison: ">=", limit: 0 },
                        message: "must be >= 0",
                      };
                      if (vErrors === null) {
                        vErrors = [err115];
                      } else {
                        vErrors.push(err115);
                      }
                      errors++;
                    }
                  }
                }
              } else {
                const err116 = {
                  instancePath: instancePath + "/runs/" + i0 + "/usage",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/usage/type",
                  keyword: "type",
                  params: { type: "object" },
                  message: "must be object",
                };
                if (vErrors === null) {
                  vErrors = [err116];
                } else {
                  vErrors.push(err116);
                }
                errors++;
              }
            }
            if (data2.retries !== undefined) {
              let data59 = data2.retries;
              if (!(typeof data59 == "number" && !(data59 % 1) && !isNaN(data59) && isFinite(data59))) {
                const err117 = {
                  instancePath: instancePath + "/runs/" + i0 + "/retries",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/retries/type",
                  keyword: "type",
                  params: { type: "integer" },
                  message: "must be integer",
                };
                if (vErrors === null) {
                  vErrors = [err117];
                } else {
                  vErrors.push(err117);
                }
                errors++;
              }
              if (typeof data59 == "number" && isFinite(data59)) {
                if (data59 < 1 || isNaN(data59)) {
                  const err118 = {
                    instancePath: instancePath + "/runs/" + i0 + "/retries",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/retries/minimum",
                    keyword: "minimum",
                    params: { comparison: ">=", limit: 1 },
                    message: "must be >= 1",
                  };
                  if (vErrors === null) {
                    vErrors = [err118];
                  } else {
                    vErrors.push(err118);
                  }
                  errors++;
                }
              }
            }
            if (data2.errors !== undefined) {
              let data60 = data2.errors;
              if (!(typeof data60 == "number" && !(data60 % 1) && !isNaN(data60) && isFinite(data60))) {
                const err119 = {
                  instancePath: instancePath + "/runs/" + i0 + "/errors",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/errors/type",
                  keyword: "type",
                  params: { type: "integer" },
                  message: "must be integer",
                };
                if (vErrors === null) {
                  vErrors = [err119];
                } else {
                  vErrors.push(err119);
                }
                errors++;
              }
              if (typeof data60 == "number" && isFinite(data60)) {
                if (data60 < 0 || isNaN(data60)) {
                  const err120 = {
                    instancePath: instancePath + "/runs/" + i0 + "/errors",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/errors/minimum",
                    keyword: "minimum",
                    params: { comparison: ">=", limit: 0 },
                    message: "must be >= 0",
                  };
                  if (vErrors === null) {
                    vErrors = [err120];
                  } else {
                    vErrors.push(err120);
                  }
                  errors++;
                }
              }
            }
            if (data2.submittedAt !== undefined) {
              if (typeof data2.submittedAt !== "string") {
                const err121 = {
                  instancePath: instancePath + "/runs/" + i0 + "/submittedAt",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/submittedAt/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err121];
                } else {
                  vErrors.push(err121);
                }
                errors++;
              }
            }
            if (data2.endedAt !== undefined) {
              if (typeof data2.endedAt !== "string") {
                const err122 = {
                  instancePath: instancePath + "/runs/" + i0 + "/endedAt",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/endedAt/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err122];
                } else {
                  vErrors.push(err122);
                }
                errors++;
              }
            }
            if (data2.lastSeq !== undefined) {
              let data63 = data2.lastSeq;
              if (!(typeof data63 == "number" && !(data63 % 1) && !isNaN(data63) && isFinite(data63))) {
                const err123 = {
                  instancePath: instancePath + "/runs/" + i0 + "/lastSeq",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/lastSeq/type",
                  keyword: "type",
                  params: { type: "integer" },
                  message: "must be integer",
                };
                if (vErrors === null) {
                  vErrors = [err123];
                } else {
                  vErrors.push(err123);
                }
                errors++;
              }
              if (typeof data63 == "number" && isFinite(data63)) {
                if (data63 < 0 || isNaN(data63)) {
                  const err124 = {
                    instancePath: instancePath + "/runs/" + i0 + "/lastSeq",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/lastSeq/minimum",
                    keyword: "minimum",
                    params: { comparison: ">=", limit: 0 },
                    message: "must be >= 0",
                  };
                  if (vErrors === null) {
                    vErrors = [err124];
                  } else {
                    vErrors.push(err124);
                  }
                  errors++;
                }
              }
            }
            if (data2.traceId !== undefined) {
              let data64 = data2.traceId;
              if (typeof data64 === "string") {
                if (!pattern15.test(data64)) {
                  const err125 = {
                    instancePath: instancePath + "/runs/" + i0 + "/traceId",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/traceId/pattern",
                    keyword: "pattern",
                    params: { pattern: "^[0-9a-f]{32}$" },
                    message: 'must match pattern "' + "^[0-9a-f]{32}$" + '"',
                  };
                  if (vErrors === null) {
                    vErrors = [err125];
                  } else {
                    vErrors.push(err125);
                  }
                  errors++;
                }
              } else {
                const err126 = {
                  instancePath: instancePath + "/runs/" + i0 + "/traceId",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/traceId/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err126];
                } else {
                  vErrors.push(err126);
                }
                errors++;
              }
            }
            if (data2.purgedAt !== undefined) {
              if (typeof data2.purgedAt !== "string") {
                const err127 = {
                  instancePath: instancePath + "/runs/" + i0 + "/purgedAt",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/purgedAt/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err127];
                } else {
                  vErrors.push(err127);
                }
                errors++;
              }
            }
            if (data2.tenant !== undefined) {
              let data66 = data2.tenant;
              if (typeof data66 === "string") {
                if (!pattern4.test(data66)) {
                  const err128 = {
                    instancePath: instancePath + "/runs/" + i0 + "/tenant",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/tenant/pattern",
                    keyword: "pattern",
                    params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
                    message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
                  };
                  if (vErrors === null) {
                    vErrors = [err128];
                  } else {
                    vErrors.push(err128);
                  }
                  errors++;
                }
              } else {
                const err129 = {
                  instancePath: instancePath + "/runs/" + i0 + "/tenant",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/tenant/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err129];
                } else {
                  vErrors.push(err129);
                }
                errors++;
              }
            }
            if (data2.metadata !== undefined) {
              let data67 = data2.metadata;
              if (data67 && typeof data67 == "object" && !Array.isArray(data67)) {
                for (const key9 in data67) {
                  if (typeof data67[key9] !== "string") {
                    const err130 = {
                      instancePath:
                        instancePath + "/runs/" + i0 + "/metadata/" + key9.replace(/~/g, "~0").replace(/\//g, "~1"),
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/metadata/additionalProperties/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err130];
                    } else {
                      vErrors.push(err130);
                    }
                    errors++;
                  }
                }
              } else {
                const err131 = {
                  instancePath: instancePath + "/runs/" + i0 + "/metadata",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/metadata/type",
                  keyword: "type",
                  params: { type: "object" },
                  message: "must be object",
                };
                if (vErrors === null) {
                  vErrors = [err131];
                } else {
                  vErrors.push(err131);
                }
                errors++;
              }
            }
            if (data2.archivedAt !== undefined) {
              if (typeof data2.archivedAt !== "string") {
                const err132 = {
                  instancePath: instancePath + "/runs/" + i0 + "/archivedAt",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archivedAt/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err132];
                } else {
                  vErrors.push(err132);
                }
                errors++;
              }
            }
            if (data2.archive !== undefined) {
              let data70 = data2.archive;
              if (data70 && typeof data70 == "object" && !Array.isArray(data70)) {
                if (data70.seqs === undefined) {
                  const err133 = {
                    instancePath: instancePath + "/runs/" + i0 + "/archive",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/required",
                    keyword: "required",
                    params: { missingProperty: "seqs" },
                    message: "must have required property '" + "seqs" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err133];
                  } else {
                    vErrors.push(err133);
                  }
                  errors++;
                }
                if (data70.sha256 === undefined) {
                  const err134 = {
                    instancePath: instancePath + "/runs/" + i0 + "/archive",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/required",
                    keyword: "required",
                    params: { missingProperty: "sha256" },
                    message: "must have required property '" + "sha256" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err134];
                  } else {
                    vErrors.push(err134);
                  }
                  errors++;
                }
                if (data70.bytes === undefined) {
                  const err135 = {
                    instancePath: instancePath + "/runs/" + i0 + "/archive",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/required",
                    keyword: "required",
                    params: { missingProperty: "bytes" },
                    message: "must have required property '" + "bytes" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err135];
                  } else {
                    vErrors.push(err135);
                  }
                  errors++;
                }
                if (data70.messages === undefined) {
                  const err136 = {
                    instancePath: instancePath + "/runs/" + i0 + "/archive",
                    schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/required",
                    keyword: "required",
                    params: { missingProperty: "messages" },
                    message: "must have required property '" + "messages" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err136];
                  } else {
                    vErrors.push(err136);
                  }
                  errors++;
                }
                for (const key10 in data70) {
                  if (!(
                    key10 === "seqs" ||
                    key10 === "sha256" ||
                    key10 === "bytes" ||
                    key10 === "guardPause" ||
                    key10 === "activeAgent" ||
                    key10 === "messages"
                  )) {
                    const err137 = {
                      instancePath: instancePath + "/runs/" + i0 + "/archive",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/additionalProperties",
                      keyword: "additionalProperties",
                      params: { additionalProperty: key10 },
                      message: "must NOT have additional properties",
                    };
                    if (vErrors === null) {
                      vErrors = [err137];
                    } else {
                      vErrors.push(err137);
                    }
                    errors++;
                  }
                }
                if (data70.seqs !== undefined) {
                  let data71 = data70.seqs;
                  if (Array.isArray(data71)) {
                    if (data71.length < 1) {
                      const err138 = {
                        instancePath: instancePath + "/runs/" + i0 + "/archive/seqs",
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/seqs/minItems",
                        keyword: "minItems",
                        params: { limit: 1 },
                        message: "must NOT have fewer than 1 items",
                      };
                      if (vErrors === null) {
                        vErrors = [err138];
                      } else {
                        vErrors.push(err138);
                      }
                      errors++;
                    }
                    const len5 = data71.length;
                    for (let i5 = 0; i5 < len5; i5++) {
                      let data72 = data71[i5];
                      if (!(typeof data72 == "number" && !(data72 % 1) && !isNaN(data72) && isFinite(data72))) {
                        const err139 = {
                          instancePath: instancePath + "/runs/" + i0 + "/archive/seqs/" + i5,
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/seqs/items/type",
                          keyword: "type",
                          params: { type: "integer" },
                          message: "must be integer",
                        };
                        if (vErrors === null) {
                          vErrors = [err139];
                        } else {
                          vErrors.push(err139);
                        }
                        errors++;
                      }
                      if (typeof data72 == "number" && isFinite(data72)) {
                        if (data72 < 1 || isNaN(data72)) {
                          const err140 = {
                            instancePath: instancePath + "/runs/" + i0 + "/archive/seqs/" + i5,
                            schemaPath:
                              "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/seqs/items/minimum",
                            keyword: "minimum",
                            params: { comparison: ">=", limit: 1 },
                            message: "must be >= 1",
                          };
                          if (vErrors === null) {
                            vErrors = [err140];
                          } else {
                            vErrors.push(err140);
                          }
                          errors++;
                        }
                      }
                    }
                  } else {
                    const err141 = {
                      instancePath: instancePath + "/runs/" + i0 + "/archive/seqs",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/seqs/type",
                      keyword: "type",
                      params: { type: "array" },
                      message: "must be array",
                    };
                    if (vErrors === null) {
                      vErrors = [err141];
                    } else {
                      vErrors.push(err141);
                    }
                    errors++;
                  }
                }
                if (data70.sha256 !== undefined) {
                  let data73 = data70.sha256;
                  if (typeof data73 === "string") {
                    if (!pattern17.test(data73)) {
                      const err142 = {
                        instancePath: instancePath + "/runs/" + i0 + "/archive/sha256",
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/sha256/pattern",
                        keyword: "pattern",
                        params: { pattern: "^[0-9a-f]{64}$" },
                        message: 'must match pattern "' + "^[0-9a-f]{64}$" + '"',
                      };
                      if (vErrors === null) {
                        vErrors = [err142];
                      } else {
                        vErrors.push(err142);
                      }
                      errors++;
                    }
                  } else {
                    const err143 = {
                      instancePath: instancePath + "/runs/" + i0 + "/archive/sha256",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/sha256/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err143];
                    } else {
                      vErrors.push(err143);
                    }
                    errors++;
                  }
                }
                if (data70.bytes !== undefined) {
                  let data74 = data70.bytes;
                  if (!(typeof data74 == "number" && !(data74 % 1) && !isNaN(data74) && isFinite(data74))) {
                    const err144 = {
                      instancePath: instancePath + "/runs/" + i0 + "/archive/bytes",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/bytes/type",
                      keyword: "type",
                      params: { type: "integer" },
                      message: "must be integer",
                    };
                    if (vErrors === null) {
                      vErrors = [err144];
                    } else {
                      vErrors.push(err144);
                    }
                    errors++;
                  }
                  if (typeof data74 == "number" && isFinite(data74)) {
                    if (data74 < 0 || isNaN(data74)) {
                      const err145 = {
                        instancePath: instancePath + "/runs/" + i0 + "/archive/bytes",
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/bytes/minimum",
                        keyword: "minimum",
                        params: { comparison: ">=", limit: 0 },
                        message: "must be >= 0",
                      };
                      if (vErrors === null) {
                        vErrors = [err145];
                      } else {
                        vErrors.push(err145);
                      }
                      errors++;
                    }
                  }
                }
                if (data70.guardPause !== undefined) {
                  let data75 = data70.guardPause;
                  if (data75 && typeof data75 == "object" && !Array.isArray(data75)) {
                    if (data75.turn === undefined) {
                      const err146 = {
                        instancePath: instancePath + "/runs/" + i0 + "/archive/guardPause",
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/guardPause/required",
                        keyword: "required",
                        params: { missingProperty: "turn" },
                        message: "must have required property '" + "turn" + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err146];
                      } else {
                        vErrors.push(err146);
                      }
                      errors++;
                    }
                    if (data75.point === undefined) {
                      const err147 = {
                        instancePath: instancePath + "/runs/" + i0 + "/archive/guardPause",
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/guardPause/required",
                        keyword: "required",
                        params: { missingProperty: "point" },
                        message: "must have required property '" + "point" + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err147];
                      } else {
                        vErrors.push(err147);
                      }
                      errors++;
                    }
                    if (data75.guardrail === undefined) {
                      const err148 = {
                        instancePath: instancePath + "/runs/" + i0 + "/archive/guardPause",
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/guardPause/required",
                        keyword: "required",
                        params: { missingProperty: "guardrail" },
                        message: "must have required property '" + "guardrail" + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err148];
                      } else {
                        vErrors.push(err148);
                      }
                      errors++;
                    }
                    if (data75.message === undefined) {
                      const err149 = {
                        instancePath: instancePath + "/runs/" + i0 + "/archive/guardPause",
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/guardPause/required",
                        keyword: "required",
                        params: { missingProperty: "message" },
                        message: "must have required property '" + "message" + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err149];
                      } else {
                        vErrors.push(err149);
                      }
                      errors++;
                    }
                    for (const key11 in data75) {
                      if (!(key11 === "turn" || key11 === "point" || key11 === "guardrail" || key11 === "message")) {
                        const err150 = {
                          instancePath: instancePath + "/runs/" + i0 + "/archive/guardPause",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/guardPause/additionalProperties",
                          keyword: "additionalProperties",
                          params: { additionalProperty: key11 },
                          message: "must NOT have additional properties",
                        };
                        if (vErrors === null) {
                          vErrors = [err150];
                        } else {
                          vErrors.push(err150);
                        }
                        errors++;
                      }
                    }
                    if (data75.turn !== undefined) {
                      let data76 = data75.turn;
                      if (!(typeof data76 == "number" && !(data76 % 1) && !isNaN(data76) && isFinite(data76))) {
                        const err151 = {
                          instancePath: instancePath + "/runs/" + i0 + "/archive/guardPause/turn",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/guardPause/properties/turn/type",
                          keyword: "type",
                          params: { type: "integer" },
                          message: "must be integer",
                        };
                        if (vErrors === null) {
                          vErrors = [err151];
                        } else {
                          vErrors.push(err151);
                        }
                        errors++;
                      }
                    }
                    if (data75.point !== undefined) {
                      let data77 = data75.point;
                      if (!(data77 === "input" || data77 === "output")) {
                        const err152 = {
                          instancePath: instancePath + "/runs/" + i0 + "/archive/guardPause/point",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/guardPause/properties/point/enum",
                          keyword: "enum",
                          params: {
                            allowedValues: schema39.properties.archive.properties.guardPause.properties.point.enum,
                          },
                          message: "must be equal to one of the allowed values",
                        };
                        if (vErrors === null) {
                          vErrors = [err152];
                        } else {
                          vErrors.push(err152);
                        }
                        errors++;
                      }
                    }
                    if (data75.guardrail !== undefined) {
                      if (typeof data75.guardrail !== "string") {
                        const err153 = {
                          instancePath: instancePath + "/runs/" + i0 + "/archive/guardPause/guardrail",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/guardPause/properties/guardrail/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                        };
                        if (vErrors === null) {
                          vErrors = [err153];
                        } else {
                          vErrors.push(err153);
                        }
                        errors++;
                      }
                    }
                    if (data75.message !== undefined) {
                      if (typeof data75.message !== "string") {
                        const err154 = {
                          instancePath: instancePath + "/runs/" + i0 + "/archive/guardPause/message",
                          schemaPath:
                            "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/guardPause/properties/message/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                        };
                        if (vErrors === null) {
                          vErrors = [err154];
                        } else {
                          vErrors.push(err154);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err155 = {
                      instancePath: instancePath + "/runs/" + i0 + "/archive/guardPause",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/guardPause/type",
                      keyword: "type",
                      params: { type: "object" },
                      message: "must be object",
                    };
                    if (vErrors === null) {
                      vErrors = [err155];
                    } else {
                      vErrors.push(err155);
                    }
                    errors++;
                  }
                }
                if (data70.activeAgent !== undefined) {
                  if (typeof data70.activeAgent !== "string") {
                    const err156 = {
                      instancePath: instancePath + "/runs/" + i0 + "/archive/activeAgent",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/activeAgent/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err156];
                    } else {
                      vErrors.push(err156);
                    }
                    errors++;
                  }
                }
                if (data70.messages !== undefined) {
                  let data81 = data70.messages;
                  if (!(typeof data81 == "number" && !(data81 % 1) && !isNaN(data81) && isFinite(data81))) {
                    const err157 = {
                      instancePath: instancePath + "/runs/" + i0 + "/archive/messages",
                      schemaPath:
                        "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/messages/type",
                      keyword: "type",
                      params: { type: "integer" },
                      message: "must be integer",
                    };
                    if (vErrors === null) {
                      vErrors = [err157];
                    } else {
                      vErrors.push(err157);
                    }
                    errors++;
                  }
                  if (typeof data81 == "number" && isFinite(data81)) {
                    if (data81 < 0 || isNaN(data81)) {
                      const err158 = {
                        instancePath: instancePath + "/runs/" + i0 + "/archive/messages",
                        schemaPath:
                          "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/properties/messages/minimum",
                        keyword: "minimum",
                        params: { comparison: ">=", limit: 0 },
                        message: "must be >= 0",
                      };
                      if (vErrors === null) {
                        vErrors = [err158];
                      } else {
                        vErrors.push(err158);
                      }
                      errors++;
                    }
                  }
                }
              } else {
                const err159 = {
                  instancePath: instancePath + "/runs/" + i0 + "/archive",
                  schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/properties/archive/type",
                  keyword: "type",
                  params: { type: "object" },
                  message: "must be object",
                };
                if (vErrors === null) {
                  vErrors = [err159];
                } else {
                  vErrors.push(err159);
                }
                errors++;
              }
            }
          } else {
            const err160 = {
              instancePath: instancePath + "/runs/" + i0,
              schemaPath: "https://cairn.dev/schemas/run-status.v1.schema.json/type",
              keyword: "type",
              params: { type: "object" },
              message: "must be object",
            };
            if (vErrors === null) {
              vErrors = [err160];
            } else {
              vErrors.push(err160);
            }
            errors++;
          }
        }
      } else {
        const err161 = {
          instancePath: instancePath + "/runs",
          schemaPath: "#/properties/runs/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err161];
        } else {
          vErrors.push(err161);
        }
        errors++;
      }
    }
    if (data.cursor !== undefined) {
      if (typeof data.cursor !== "string") {
        const err162 = {
          instancePath: instancePath + "/cursor",
          schemaPath: "#/properties/cursor/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err162];
        } else {
          vErrors.push(err162);
        }
        errors++;
      }
    }
    if (data.examined !== undefined) {
      let data83 = data.examined;
      if (!(typeof data83 == "number" && !(data83 % 1) && !isNaN(data83) && isFinite(data83))) {
        const err163 = {
          instancePath: instancePath + "/examined",
          schemaPath: "#/properties/examined/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err163];
        } else {
          vErrors.push(err163);
        }
        errors++;
      }
      if (typeof data83 == "number" && isFinite(data83)) {
        if (data83 < 0 || isNaN(data83)) {
          const err164 = {
            instancePath: instancePath + "/examined",
            schemaPath: "#/properties/examined/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err164];
          } else {
            vErrors.push(err164);
          }
          errors++;
        }
      }
    }
    if (data.counts !== undefined) {
      let data84 = data.counts;
      if (data84 && typeof data84 == "object" && !Array.isArray(data84)) {
        if (data84.awaiting_approval === undefined) {
          const err165 = {
            instancePath: instancePath + "/counts",
            schemaPath: "#/properties/counts/required",
            keyword: "required",
            params: { missingProperty: "awaiting_approval" },
            message: "must have required property '" + "awaiting_approval" + "'",
          };
          if (vErrors === null) {
            vErrors = [err165];
          } else {
            vErrors.push(err165);
          }
          errors++;
        }
        if (data84.running === undefined) {
          const err166 = {
            instancePath: instancePath + "/counts",
            schemaPath: "#/properties/counts/required",
            keyword: "required",
            params: { missingProperty: "running" },
            message: "must have required property '" + "running" + "'",
          };
          if (vErrors === null) {
            vErrors = [err166];
          } else {
            vErrors.push(err166);
          }
          errors++;
        }
        if (data84.completed === undefined) {
          const err167 = {
            instancePath: instancePath + "/counts",
            schemaPath: "#/properties/counts/required",
            keyword: "required",
            params: { missingProperty: "completed" },
            message: "must have required property '" + "completed" + "'",
          };
          if (vErrors === null) {
            vErrors = [err167];
          } else {
            vErrors.push(err167);
          }
          errors++;
        }
        if (data84.failed === undefined) {
          const err168 = {
            instancePath: instancePath + "/counts",
            schemaPath: "#/properties/counts/required",
            keyword: "required",
            params: { missingProperty: "failed" },
            message: "must have required property '" + "failed" + "'",
          };
          if (vErrors === null) {
            vErrors = [err168];
          } else {
            vErrors.push(err168);
          }
          errors++;
        }
        if (data84.cancelled === undefined) {
          const err169 = {
            instancePath: instancePath + "/counts",
            schemaPath: "#/properties/counts/required",
            keyword: "required",
            params: { missingProperty: "cancelled" },
            message: "must have required property '" + "cancelled" + "'",
          };
          if (vErrors === null) {
            vErrors = [err169];
          } else {
            vErrors.push(err169);
          }
          errors++;
        }
        for (const key12 in data84) {
          if (!(
            key12 === "awaiting_approval" ||
            key12 === "running" ||
            key12 === "completed" ||
            key12 === "failed" ||
            key12 === "cancelled"
          )) {
            const err170 = {
              instancePath: instancePath + "/counts",
              schemaPath: "#/properties/counts/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key12 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err170];
            } else {
              vErrors.push(err170);
            }
            errors++;
          }
        }
        if (data84.awaiting_approval !== undefined) {
          let data85 = data84.awaiting_approval;
          if (!(typeof data85 == "number" && !(data85 % 1) && !isNaN(data85) && isFinite(data85))) {
            const err171 = {
              instancePath: instancePath + "/counts/awaiting_approval",
              schemaPath: "#/properties/counts/properties/awaiting_approval/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err171];
            } else {
              vErrors.push(err171);
            }
            errors++;
          }
          if (typeof data85 == "number" && isFinite(data85)) {
            if (data85 < 0 || isNaN(data85)) {
              const err172 = {
                instancePath: instancePath + "/counts/awaiting_approval",
                schemaPath: "#/properties/counts/properties/awaiting_approval/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err172];
              } else {
                vErrors.push(err172);
              }
              errors++;
            }
          }
        }
        if (data84.running !== undefined) {
          let data86 = data84.running;
          if (!(typeof data86 == "number" && !(data86 % 1) && !isNaN(data86) && isFinite(data86))) {
            const err173 = {
              instancePath: instancePath + "/counts/running",
              schemaPath: "#/properties/counts/properties/running/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err173];
            } else {
              vErrors.push(err173);
            }
            errors++;
          }
          if (typeof data86 == "number" && isFinite(data86)) {
            if (data86 < 0 || isNaN(data86)) {
              const err174 = {
                instancePath: instancePath + "/counts/running",
                schemaPath: "#/properties/counts/properties/running/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err174];
              } else {
                vErrors.push(err174);
              }
              errors++;
            }
          }
        }
        if (data84.completed !== undefined) {
          let data87 = data84.completed;
          if (!(typeof data87 == "number" && !(data87 % 1) && !isNaN(data87) && isFinite(data87))) {
            const err175 = {
              instancePath: instancePath + "/counts/completed",
              schemaPath: "#/properties/counts/properties/completed/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err175];
            } else {
              vErrors.push(err175);
            }
            errors++;
          }
          if (typeof data87 == "number" && isFinite(data87)) {
            if (data87 < 0 || isNaN(data87)) {
              const err176 = {
                instancePath: instancePath + "/counts/completed",
                schemaPath: "#/properties/counts/properties/completed/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err176];
              } else {
                vErrors.push(err176);
              }
              errors++;
            }
          }
        }
        if (data84.failed !== undefined) {
          let data88 = data84.failed;
          if (!(typeof data88 == "number" && !(data88 % 1) && !isNaN(data88) && isFinite(data88))) {
            const err177 = {
              instancePath: instancePath + "/counts/failed",
              schemaPath: "#/properties/counts/properties/failed/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err177];
            } else {
              vErrors.push(err177);
            }
            errors++;
          }
          if (typeof data88 == "number" && isFinite(data88)) {
            if (data88 < 0 || isNaN(data88)) {
              const err178 = {
                instancePath: instancePath + "/counts/failed",
                schemaPath: "#/properties/counts/properties/failed/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err178];
              } else {
                vErrors.push(err178);
              }
              errors++;
            }
          }
        }
        if (data84.cancelled !== undefined) {
          let data89 = data84.cancelled;
          if (!(typeof data89 == "number" && !(data89 % 1) && !isNaN(data89) && isFinite(data89))) {
            const err179 = {
              instancePath: instancePath + "/counts/cancelled",
              schemaPath: "#/properties/counts/properties/cancelled/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err179];
            } else {
              vErrors.push(err179);
            }
            errors++;
          }
          if (typeof data89 == "number" && isFinite(data89)) {
            if (data89 < 0 || isNaN(data89)) {
              const err180 = {
                instancePath: instancePath + "/counts/cancelled",
                schemaPath: "#/properties/counts/properties/cancelled/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err180];
              } else {
                vErrors.push(err180);
              }
              errors++;
            }
          }
        }
      } else {
        const err181 = {
          instancePath: instancePath + "/counts",
          schemaPath: "#/properties/counts/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err181];
        } else {
          vErrors.push(err181);
        }
        errors++;
      }
    }
  } else {
    const err182 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err182];
    } else {
      vErrors.push(err182);
    }
    errors++;
  }
  validate25.errors = vErrors;
  return errors === 0;
}
validate25.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const ListRequest = validate26;
const schema40 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/list-request.v1.schema.json",
  title: "ListRequest",
  description: "Request to <prefix>.api.list.",
  type: "object",
  additionalProperties: false,
  properties: {
    v: {
      const: 1,
      description:
        "Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.",
    },
    limit: { type: "integer", minimum: 1, maximum: 10000 },
    status: { enum: ["running", "awaiting_approval", "completed", "failed", "cancelled"] },
    cursor: {
      type: "string",
      description: "Where the previous page ended (ListReply.cursor): the next page continues after it.",
    },
    agent: { type: "string", description: "Only runs of this agent." },
    tenant: {
      type: "string",
      pattern: "^[A-Za-z0-9_-]{1,64}$",
      description: "Only runs of this tenant (operators; a tenant's user sees only its own tenant's runs anyway).",
    },
    meta: {
      type: "object",
      additionalProperties: { type: "string" },
      description: "Only runs whose submission metadata has every one of these key/value pairs.",
    },
    since: { type: "string", description: "Only runs submitted at or after this time (RFC 3339)." },
    until: { type: "string", description: "Only runs submitted before this time (RFC 3339)." },
    counts: {
      type: "boolean",
      description:
        "Also answer ListReply.counts: the caller's runs by status, with this request's tenant and agent filters applied.",
    },
  },
};
function validate26(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/list-request.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate26.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    for (const key0 in data) {
      if (!func1.call(schema40.properties, key0)) {
        const err0 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err0];
        } else {
          vErrors.push(err0);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err1 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
    }
    if (data.limit !== undefined) {
      let data1 = data.limit;
      if (!(typeof data1 == "number" && !(data1 % 1) && !isNaN(data1) && isFinite(data1))) {
        const err2 = {
          instancePath: instancePath + "/limit",
          schemaPath: "#/properties/limit/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
      if (typeof data1 == "number" && isFinite(data1)) {
        if (data1 > 10000 || isNaN(data1)) {
          const err3 = {
            instancePath: instancePath + "/limit",
            schemaPath: "#/properties/limit/maximum",
            keyword: "maximum",
            params: { comparison: "<=", limit: 10000 },
            message: "must be <= 10000",
          };
          if (vErrors === null) {
            vErrors = [err3];
          } else {
            vErrors.push(err3);
          }
          errors++;
        }
        if (data1 < 1 || isNaN(data1)) {
          const err4 = {
            instancePath: instancePath + "/limit",
            schemaPath: "#/properties/limit/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err4];
          } else {
            vErrors.push(err4);
          }
          errors++;
        }
      }
    }
    if (data.status !== undefined) {
      let data2 = data.status;
      if (!(
        data2 === "running" ||
        data2 === "awaiting_approval" ||
        data2 === "completed" ||
        data2 === "failed" ||
        data2 === "cancelled"
      )) {
        const err5 = {
          instancePath: instancePath + "/status",
          schemaPath: "#/properties/status/enum",
          keyword: "enum",
          params: { allowedValues: schema40.properties.status.enum },
          message: "must be equal to one of the allowed values",
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
    }
    if (data.cursor !== undefined) {
      if (typeof data.cursor !== "string") {
        const err6 = {
          instancePath: instancePath + "/cursor",
          schemaPath: "#/properties/cursor/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.agent !== undefined) {
      if (typeof data.agent !== "string") {
        const err7 = {
          instancePath: instancePath + "/agent",
          schemaPath: "#/properties/agent/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.tenant !== undefined) {
      let data5 = data.tenant;
      if (typeof data5 === "string") {
        if (!pattern4.test(data5)) {
          const err8 = {
            instancePath: instancePath + "/tenant",
            schemaPath: "#/properties/tenant/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err8];
          } else {
            vErrors.push(err8);
          }
          errors++;
        }
      } else {
        const err9 = {
          instancePath: instancePath + "/tenant",
          schemaPath: "#/properties/tenant/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.meta !== undefined) {
      let data6 = data.meta;
      if (data6 && typeof data6 == "object" && !Array.isArray(data6)) {
        for (const key1 in data6) {
          if (typeof data6[key1] !== "string") {
            const err10 = {
              instancePath: instancePath + "/meta/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),
              schemaPath: "#/properties/meta/additionalProperties/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err10];
            } else {
              vErrors.push(err10);
            }
            errors++;
          }
        }
      } else {
        const err11 = {
          instancePath: instancePath + "/meta",
          schemaPath: "#/properties/meta/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.since !== undefined) {
      if (typeof data.since !== "string") {
        const err12 = {
          instancePath: instancePath + "/since",
          schemaPath: "#/properties/since/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
    if (data.until !== undefined) {
      if (typeof data.until !== "string") {
        const err13 = {
          instancePath: instancePath + "/until",
          schemaPath: "#/properties/until/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (data.counts !== undefined) {
      if (typeof data.counts !== "boolean") {
        const err14 = {
          instancePath: instancePath + "/counts",
          schemaPath: "#/properties/counts/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
    }
  } else {
    const err15 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err15];
    } else {
      vErrors.push(err15);
    }
    errors++;
  }
  validate26.errors = vErrors;
  return errors === 0;
}
validate26.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const LlmCommand = validate27;
const schema41 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/llm-command.v1.schema.json",
  title: "LlmCommand",
  description:
    "Asks the llm-caller for the model turn <turn>; the prompt is rebuilt from the run history up to historySeq (no copy of the conversation).",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "turn", "historySeq"],
  properties: {
    v: { const: 1 },
    type: { const: "llm.command" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    turn: { type: "integer", minimum: 1 },
    historySeq: { type: "integer", minimum: 1, description: "Stream sequence of the last event the prompt includes." },
    instructions: {
      type: "string",
      description:
        "The system prompt of this turn, for an agent whose instructions are code (agent instructionsInCode: a function of the run's state in the planner's agents module): computed by the planner, recorded here, used instead of the snapshot's systemPrompt.",
    },
  },
};
function validate27(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/llm-command.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate27.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.historySeq === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "historySeq" },
        message: "must have required property '" + "historySeq" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(
        key0 === "v" ||
        key0 === "type" ||
        key0 === "runId" ||
        key0 === "turn" ||
        key0 === "historySeq" ||
        key0 === "instructions"
      )) {
        const err5 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err6 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("llm.command" !== data.type) {
        const err7 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "llm.command" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err8 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err8];
          } else {
            vErrors.push(err8);
          }
          errors++;
        }
      } else {
        const err9 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.turn !== undefined) {
      let data3 = data.turn;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err10 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 1 || isNaN(data3)) {
          const err11 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err11];
          } else {
            vErrors.push(err11);
          }
          errors++;
        }
      }
    }
    if (data.historySeq !== undefined) {
      let data4 = data.historySeq;
      if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
        const err12 = {
          instancePath: instancePath + "/historySeq",
          schemaPath: "#/properties/historySeq/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
      if (typeof data4 == "number" && isFinite(data4)) {
        if (data4 < 1 || isNaN(data4)) {
          const err13 = {
            instancePath: instancePath + "/historySeq",
            schemaPath: "#/properties/historySeq/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err13];
          } else {
            vErrors.push(err13);
          }
          errors++;
        }
      }
    }
    if (data.instructions !== undefined) {
      if (typeof data.instructions !== "string") {
        const err14 = {
          instancePath: instancePath + "/instructions",
          schemaPath: "#/properties/instructions/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
    }
  } else {
    const err15 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err15];
    } else {
      vErrors.push(err15);
    }
    errors++;
  }
  validate27.errors = vErrors;
  return errors === 0;
}
validate27.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const LlmResult = validate28;
const schema42 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/llm-result.v1.schema.json",
  title: "LlmResult",
  description:
    "The recorded model response for one turn, on <prefix>.run.<runId>.evt.llm.<turn> (at most one per turn, ever).",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "turn", "ok", "attempts"],
  properties: {
    v: { const: 1 },
    type: { const: "llm.result" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    turn: { type: "integer", minimum: 1 },
    ok: { type: "boolean" },
    content: { type: ["string", "null"] },
    contentRef: {
      type: "object",
      additionalProperties: false,
      required: ["bucket", "name", "bytes", "sha256"],
      properties: {
        bucket: { type: "string" },
        name: { type: "string" },
        bytes: { type: "integer", minimum: 0 },
        sha256: { type: "string" },
      },
      description:
        "The full text is in the payload stream (<PREFIX>_PAYLOADS, chunks <prefix>.payload.<runId>.<sha256>.<n>): it was larger than CAIRN_LARGE_PAYLOAD_BYTES; the inline field holds a preview.",
    },
    toolCalls: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "name", "arguments"],
        properties: {
          id: { type: "string", minLength: 1 },
          name: { type: "string" },
          arguments: {
            type: "string",
            description: "Arguments exactly as the model produced them (JSON text, possibly invalid).",
          },
        },
      },
    },
    finishReason: { type: "string" },
    provider: { type: "string" },
    model: { type: "string" },
    usage: {
      type: "object",
      additionalProperties: false,
      required: ["inputTokens", "outputTokens"],
      properties: { inputTokens: { type: "integer", minimum: 0 }, outputTokens: { type: "integer", minimum: 0 } },
    },
    latencyMs: { type: "number", minimum: 0 },
    promptHash: {
      type: "string",
      description: "sha256 of the canonical request sent to the model, rebuilt from history by replay.",
    },
    historySeq: { type: "integer", minimum: 1 },
    attempts: { type: "integer", minimum: 1 },
    error: {
      type: "object",
      additionalProperties: false,
      required: ["kind", "message"],
      properties: {
        kind: { type: "string", minLength: 1 },
        message: { type: "string" },
        retryable: { type: "boolean" },
      },
    },
  },
};
function validate28(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/llm-result.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate28.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.ok === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "ok" },
        message: "must have required property '" + "ok" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.attempts === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "attempts" },
        message: "must have required property '" + "attempts" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema42.properties, key0)) {
        const err6 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err7 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("llm.result" !== data.type) {
        const err8 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "llm.result" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err9 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err9];
          } else {
            vErrors.push(err9);
          }
          errors++;
        }
      } else {
        const err10 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.turn !== undefined) {
      let data3 = data.turn;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err11 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 1 || isNaN(data3)) {
          const err12 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      }
    }
    if (data.ok !== undefined) {
      if (typeof data.ok !== "boolean") {
        const err13 = {
          instancePath: instancePath + "/ok",
          schemaPath: "#/properties/ok/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (data.content !== undefined) {
      let data5 = data.content;
      if (typeof data5 !== "string" && data5 !== null) {
        const err14 = {
          instancePath: instancePath + "/content",
          schemaPath: "#/properties/content/type",
          keyword: "type",
          params: { type: schema42.properties.content.type },
          message: "must be string,null",
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
    }
    if (data.contentRef !== undefined) {
      let data6 = data.contentRef;
      if (data6 && typeof data6 == "object" && !Array.isArray(data6)) {
        if (data6.bucket === undefined) {
          const err15 = {
            instancePath: instancePath + "/contentRef",
            schemaPath: "#/properties/contentRef/required",
            keyword: "required",
            params: { missingProperty: "bucket" },
            message: "must have required property '" + "bucket" + "'",
          };
          if (vErrors === null) {
            vErrors = [err15];
          } else {
            vErrors.push(err15);
          }
          errors++;
        }
        if (data6.name === undefined) {
          const err16 = {
            instancePath: instancePath + "/contentRef",
            schemaPath: "#/properties/contentRef/required",
            keyword: "required",
            params: { missingProperty: "name" },
            message: "must have required property '" + "name" + "'",
          };
          if (vErrors === null) {
            vErrors = [err16];
          } else {
            vErrors.push(err16);
          }
          errors++;
        }
        if (data6.bytes === undefined) {
          const err17 = {
            instancePath: instancePath + "/contentRef",
            schemaPath: "#/properties/contentRef/required",
            keyword: "required",
            params: { missingProperty: "bytes" },
            message: "must have required property '" + "bytes" + "'",
          };
          if (vErrors === null) {
            vErrors = [err17];
          } else {
            vErrors.push(err17);
          }
          errors++;
        }
        if (data6.sha256 === undefined) {
          const err18 = {
            instancePath: instancePath + "/contentRef",
            schemaPath: "#/properties/contentRef/required",
            keyword: "required",
            params: { missingProperty: "sha256" },
            message: "must have required property '" + "sha256" + "'",
          };
          if (vErrors === null) {
            vErrors = [err18];
          } else {
            vErrors.push(err18);
          }
          errors++;
        }
        for (const key1 in data6) {
          if (!(key1 === "bucket" || key1 === "name" || key1 === "bytes" || key1 === "sha256")) {
            const err19 = {
              instancePath: instancePath + "/contentRef",
              schemaPath: "#/properties/contentRef/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key1 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err19];
            } else {
              vErrors.push(err19);
            }
            errors++;
          }
        }
        if (data6.bucket !== undefined) {
          if (typeof data6.bucket !== "string") {
            const err20 = {
              instancePath: instancePath + "/contentRef/bucket",
              schemaPath: "#/properties/contentRef/properties/bucket/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err20];
            } else {
              vErrors.push(err20);
            }
            errors++;
          }
        }
        if (data6.name !== undefined) {
          if (typeof data6.name !== "string") {
            const err21 = {
              instancePath: instancePath + "/contentRef/name",
              schemaPath: "#/properties/contentRef/properties/name/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err21];
            } else {
              vErrors.push(err21);
            }
            errors++;
          }
        }
        if (data6.bytes !== undefined) {
          let data9 = data6.bytes;
          if (!(typeof data9 == "number" && !(data9 % 1) && !isNaN(data9) && isFinite(data9))) {
            const err22 = {
              instancePath: instancePath + "/contentRef/bytes",
              schemaPath: "#/properties/contentRef/properties/bytes/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err22];
            } else {
              vErrors.push(err22);
            }
            errors++;
          }
          if (typeof data9 == "number" && isFinite(data9)) {
            if (data9 < 0 || isNaN(data9)) {
              const err23 = {
                instancePath: instancePath + "/contentRef/bytes",
                schemaPath: "#/properties/contentRef/properties/bytes/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err23];
              } else {
                vErrors.push(err23);
              }
              errors++;
            }
          }
        }
        if (data6.sha256 !== undefined) {
          if (typeof data6.sha256 !== "string") {
            const err24 = {
              instancePath: instancePath + "/contentRef/sha256",
              schemaPath: "#/properties/contentRef/properties/sha256/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err24];
            } else {
              vErrors.push(err24);
            }
            errors++;
          }
        }
      } else {
        const err25 = {
          instancePath: instancePath + "/contentRef",
          schemaPath: "#/properties/contentRef/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err25];
        } else {
          vErrors.push(err25);
        }
        errors++;
      }
    }
    if (data.toolCalls !== undefined) {
      let data11 = data.toolCalls;
      if (Array.isArray(data11)) {
        const len0 = data11.length;
        for (let i0 = 0; i0 < len0; i0++) {
          let data12 = data11[i0];
          if (data12 && typeof data12 == "object" && !Array.isArray(data12)) {
            if (data12.id === undefined) {
              const err26 = {
                instancePath: instancePath + "/toolCalls/" + i0,
                schemaPath: "#/properties/toolCalls/items/required",
                keyword: "required",
                params: { missingProperty: "id" },
                message: "must have required property '" + "id" + "'",
              };
              if (vErrors === null) {
                vErrors = [err26];
              } else {
                vErrors.push(err26);
              }
              errors++;
            }
            if (data12.name === undefined) {
              const err27 = {
                instancePath: instancePath + "/toolCalls/" + i0,
                schemaPath: "#/properties/toolCalls/items/required",
                keyword: "required",
                params: { missingProperty: "name" },
                message: "must have required property '" + "name" + "'",
              };
              if (vErrors === null) {
                vErrors = [err27];
              } else {
                vErrors.push(err27);
              }
              errors++;
            }
            if (data12.arguments === undefined) {
              const err28 = {
                instancePath: instancePath + "/toolCalls/" + i0,
                schemaPath: "#/properties/toolCalls/items/required",
                keyword: "required",
                params: { missingProperty: "arguments" },
                message: "must have required property '" + "arguments" + "'",
              };
              if (vErrors === null) {
                vErrors = [err28];
              } else {
                vErrors.push(err28);
              }
              errors++;
            }
            for (const key2 in data12) {
              if (!(key2 === "id" || key2 === "name" || key2 === "arguments")) {
                const err29 = {
                  instancePath: instancePath + "/toolCalls/" + i0,
                  schemaPath: "#/properties/toolCalls/items/additionalProperties",
                  keyword: "additionalProperties",
                  params: { additionalProperty: key2 },
                  message: "must NOT have additional properties",
                };
                if (vErrors === null) {
                  vErrors = [err29];
                } else {
                  vErrors.push(err29);
                }
                errors++;
              }
            }
            if (data12.id !== undefined) {
              let data13 = data12.id;
              if (typeof data13 === "string") {
                if (func2(data13) < 1) {
                  const err30 = {
                    instancePath: instancePath + "/toolCalls/" + i0 + "/id",
                    schemaPath: "#/properties/toolCalls/items/properties/id/minLength",
                    keyword: "minLength",
                    params: { limit: 1 },
                    message: "must NOT have fewer than 1 characters",
                  };
                  if (vErrors === null) {
                    vErrors = [err30];
                  } else {
                    vErrors.push(err30);
                  }
                  errors++;
                }
              } else {
                const err31 = {
                  instancePath: instancePath + "/toolCalls/" + i0 + "/id",
                  schemaPath: "#/properties/toolCalls/items/properties/id/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err31];
                } else {
                  vErrors.push(err31);
                }
                errors++;
              }
            }
            if (data12.name !== undefined) {
              if (typeof data12.name !== "string") {
                const err32 = {
                  instancePath: instancePath + "/toolCalls/" + i0 + "/name",
                  schemaPath: "#/properties/toolCalls/items/properties/name/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err32];
                } else {
                  vErrors.push(err32);
                }
                errors++;
              }
            }
            if (data12.arguments !== undefined) {
              if (typeof data12.arguments !== "string") {
                const err33 = {
                  instancePath: instancePath + "/toolCalls/" + i0 + "/arguments",
                  schemaPath: "#/properties/toolCalls/items/properties/arguments/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err33];
                } else {
                  vErrors.push(err33);
                }
                errors++;
              }
            }
          } else {
            const err34 = {
              instancePath: instancePath + "/toolCalls/" + i0,
              schemaPath: "#/properties/toolCalls/items/type",
              keyword: "type",
              params: { type: "object" },
              message: "must be object",
            };
            if (vErrors === null) {
              vErrors = [err34];
            } else {
              vErrors.push(err34);
            }
            errors++;
          }
        }
      } else {
        const err35 = {
          instancePath: instancePath + "/toolCalls",
          schemaPath: "#/properties/toolCalls/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err35];
        } else {
          vErrors.push(err35);
        }
        errors++;
      }
    }
    if (data.finishReason !== undefined) {
      if (typeof data.finishReason !== "string") {
        const err36 = {
          instancePath: instancePath + "/finishReason",
          schemaPath: "#/properties/finishReason/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err36];
        } else {
          vErrors.push(err36);
        }
        errors++;
      }
    }
    if (data.provider !== undefined) {
      if (typeof data.provider !== "string") {
        const err37 = {
          instancePath: instancePath + "/provider",
          schemaPath: "#/properties/provider/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err37];
        } else {
          vErrors.push(err37);
        }
        errors++;
      }
    }
    if (data.model !== undefined) {
      if (typeof data.model !== "string") {
        const err38 = {
          instancePath: instancePath + "/model",
          schemaPath: "#/properties/model/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err38];
        } else {
          vErrors.push(err38);
        }
        errors++;
      }
    }
    if (data.usage !== undefined) {
      let data19 = data.usage;
      if (data19 && typeof data19 == "object" && !Array.isArray(data19)) {
        if (data19.inputTokens === undefined) {
          const err39 = {
            instancePath: instancePath + "/usage",
            schemaPath: "#/properties/usage/required",
            keyword: "required",
            params: { missingProperty: "inputTokens" },
            message: "must have required property '" + "inputTokens" + "'",
          };
          if (vErrors === null) {
            vErrors = [err39];
          } else {
            vErrors.push(err39);
          }
          errors++;
        }
        if (data19.outputTokens === undefined) {
          const err40 = {
            instancePath: instancePath + "/usage",
            schemaPath: "#/properties/usage/required",
            keyword: "required",
            params: { missingProperty: "outputTokens" },
            message: "must have required property '" + "outputTokens" + "'",
          };
          if (vErrors === null) {
            vErrors = [err40];
          } else {
            vErrors.push(err40);
          }
          errors++;
        }
        for (const key3 in data19) {
          if (!(key3 === "inputTokens" || key3 === "outputTokens")) {
            const err41 = {
              instancePath: instancePath + "/usage",
              schemaPath: "#/properties/usage/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key3 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err41];
            } else {
              vErrors.push(err41);
            }
            errors++;
          }
        }
        if (data19.inputTokens !== undefined) {
          let data20 = data19.inputTokens;
          if (!(typeof data20 == "number" && !(data20 % 1) && !isNaN(data20) && isFinite(data20))) {
            const err42 = {
              instancePath: instancePath + "/usage/inputTokens",
              schemaPath: "#/properties/usage/properties/inputTokens/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err42];
            } else {
              vErrors.push(err42);
            }
            errors++;
          }
          if (typeof data20 == "number" && isFinite(data20)) {
            if (data20 < 0 || isNaN(data20)) {
              const err43 = {
                instancePath: instancePath + "/usage/inputTokens",
                schemaPath: "#/properties/usage/properties/inputTokens/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err43];
              } else {
                vErrors.push(err43);
              }
              errors++;
            }
          }
        }
        if (data19.outputTokens !== undefined) {
          let data21 = data19.outputTokens;
          if (!(typeof data21 == "number" && !(data21 % 1) && !isNaN(data21) && isFinite(data21))) {
            const err44 = {
              instancePath: instancePath + "/usage/outputTokens",
              schemaPath: "#/properties/usage/properties/outputTokens/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err44];
            } else {
              vErrors.push(err44);
            }
            errors++;
          }
          if (typeof data21 == "number" && isFinite(data21)) {
            if (data21 < 0 || isNaN(data21)) {
              const err45 = {
                instancePath: instancePath + "/usage/outputTokens",
                schemaPath: "#/properties/usage/properties/outputTokens/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err45];
              } else {
                vErrors.push(err45);
              }
              errors++;
            }
          }
        }
      } else {
        const err46 = {
          instancePath: instancePath + "/usage",
          schemaPath: "#/properties/usage/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err46];
        } else {
          vErrors.push(err46);
        }
        errors++;
      }
    }
    if (data.latencyMs !== undefined) {
      let data22 = data.latencyMs;
      if (typeof data22 == "number" && isFinite(data22)) {
        if (data22 < 0 || isNaN(data22)) {
          const err47 = {
            instancePath: instancePath + "/latencyMs",
            schemaPath: "#/properties/latencyMs/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err47];
          } else {
            vErrors.push(err47);
          }
          errors++;
        }
      } else {
        const err48 = {
          instancePath: instancePath + "/latencyMs",
          schemaPath: "#/properties/latencyMs/type",
          keyword: "type",
          params: { type: "number" },
          message: "must be number",
        };
        if (vErrors === null) {
          vErrors = [err48];
        } else {
          vErrors.push(err48);
        }
        errors++;
      }
    }
    if (data.promptHash !== undefined) {
      if (typeof data.promptHash !== "string") {
        const err49 = {
          instancePath: instancePath + "/promptHash",
          schemaPath: "#/properties/promptHash/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err49];
        } else {
          vErrors.push(err49);
        }
        errors++;
      }
    }
    if (data.historySeq !== undefined) {
      let data24 = data.historySeq;
      if (!(typeof data24 == "number" && !(data24 % 1) && !isNaN(data24) && isFinite(data24))) {
        const err50 = {
          instancePath: instancePath + "/historySeq",
          schemaPath: "#/properties/historySeq/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err50];
        } else {
          vErrors.push(err50);
        }
        errors++;
      }
      if (typeof data24 == "number" && isFinite(data24)) {
        if (data24 < 1 || isNaN(data24)) {
          const err51 = {
            instancePath: instancePath + "/historySeq",
            schemaPath: "#/properties/historySeq/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err51];
          } else {
            vErrors.push(err51);
          }
          errors++;
        }
      }
    }
    if (data.attempts !== undefined) {
      let data25 = data.attempts;
      if (!(typeof data25 == "number" && !(data25 % 1) && !isNaN(data25) && isFinite(data25))) {
        const err52 = {
          instancePath: instancePath + "/attempts",
          schemaPath: "#/properties/attempts/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err52];
        } else {
          vErrors.push(err52);
        }
        errors++;
      }
      if (typeof data25 == "number" && isFinite(data25)) {
        if (data25 < 1 || isNaN(data25)) {
          const err53 = {
            instancePath: instancePath + "/attempts",
            schemaPath: "#/properties/attempts/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err53];
          } else {
            vErrors.push(err53);
          }
          errors++;
        }
      }
    }
    if (data.error !== undefined) {
      let data26 = data.error;
      if (data26 && typeof data26 == "object" && !Array.isArray(data26)) {
        if (data26.kind === undefined) {
          const err54 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "kind" },
            message: "must have required property '" + "kind" + "'",
          };
          if (vErrors === null) {
            vErrors = [err54];
          } else {
            vErrors.push(err54);
          }
          errors++;
        }
        if (data26.message === undefined) {
          const err55 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "message" },
            message: "must have required property '" + "message" + "'",
          };
          if (vErrors === null) {
            vErrors = [err55];
          } else {
            vErrors.push(err55);
          }
          errors++;
        }
        for (const key4 in data26) {
          if (!(key4 === "kind" || key4 === "message" || key4 === "retryable")) {
            const err56 = {
              instancePath: instancePath + "/error",
              schemaPath: "#/properties/error/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key4 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err56];
            } else {
              vErrors.push(err56);
            }
            errors++;
          }
        }
        if (data26.kind !== undefined) {
          let data27 = data26.kind;
          if (typeof data27 === "string") {
            if (func2(data27) < 1) {
              const err57 = {
                instancePath: instancePath + "/error/kind",
                schemaPath: "#/properties/error/properties/kind/minLength",
                keyword: "minLength",
                params: { limit: 1 },
                message: "must NOT have fewer than 1 characters",
              };
              if (vErrors === null) {
                vErrors = [err57];
              } else {
                vErrors.push(err57);
              }
              errors++;
            }
          } else {
            const err58 = {
              instancePath: instancePath + "/error/kind",
              schemaPath: "#/properties/error/properties/kind/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err58];
            } else {
              vErrors.push(err58);
            }
            errors++;
          }
        }
        if (data26.message !== undefined) {
          if (typeof data26.message !== "string") {
            const err59 = {
              instancePath: instancePath + "/error/message",
              schemaPath: "#/properties/error/properties/message/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err59];
            } else {
              vErrors.push(err59);
            }
            errors++;
          }
        }
        if (data26.retryable !== undefined) {
          if (typeof data26.retryable !== "boolean") {
            const err60 = {
              instancePath: instancePath + "/error/retryable",
              schemaPath: "#/properties/error/properties/retryable/type",
              keyword: "type",
              params: { type: "boolean" },
              message: "must be boolean",
            };
            if (vErrors === null) {
              vErrors = [err60];
            } else {
              vErrors.push(err60);
            }
            errors++;
          }
        }
      } else {
        const err61 = {
          instancePath: instancePath + "/error",
          schemaPath: "#/properties/error/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err61];
        } else {
          vErrors.push(err61);
        }
        errors++;
      }
    }
  } else {
    const err62 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err62];
    } else {
      vErrors.push(err62);
    }
    errors++;
  }
  validate28.errors = vErrors;
  return errors === 0;
}
validate28.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const ReadReply = validate29;
const schema43 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/read-reply.v1.schema.json",
  title: "ReadReply",
  description: "A page of a run's log, in stream order.",
  type: "object",
  additionalProperties: false,
  required: ["v", "entries", "more"],
  properties: {
    v: { const: 1 },
    entries: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["seq", "subject", "time", "data"],
        properties: {
          seq: { type: "integer", minimum: 1 },
          subject: { type: "string" },
          time: { type: "string" },
          data: { type: "string", description: "The stored message's bytes (msgpack), base64." },
        },
      },
    },
    more: { type: "boolean", description: "More entries follow: ask again from the last seq + 1." },
  },
};
function validate29(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/read-reply.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate29.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.entries === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "entries" },
        message: "must have required property '" + "entries" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.more === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "more" },
        message: "must have required property '" + "more" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === "v" || key0 === "entries" || key0 === "more")) {
        const err3 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err4 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err4];
        } else {
          vErrors.push(err4);
        }
        errors++;
      }
    }
    if (data.entries !== undefined) {
      let data1 = data.entries;
      if (Array.isArray(data1)) {
        const len0 = data1.length;
        for (let i0 = 0; i0 < len0; i0++) {
          let data2 = data1[i0];
          if (data2 && typeof data2 == "object" && !Array.isArray(data2)) {
            if (data2.seq === undefined) {
              const err5 = {
                instancePath: instancePath + "/entries/" + i0,
                schemaPath: "#/properties/entries/items/required",
                keyword: "required",
                params: { missingProperty: "seq" },
                message: "must have required property '" + "seq" + "'",
              };
              if (vErrors === null) {
                vErrors = [err5];
              } else {
                vErrors.push(err5);
              }
              errors++;
            }
            if (data2.subject === undefined) {
              const err6 = {
                instancePath: instancePath + "/entries/" + i0,
                schemaPath: "#/properties/entries/items/required",
                keyword: "required",
                params: { missingProperty: "subject" },
                message: "must have required property '" + "subject" + "'",
              };
              if (vErrors === null) {
                vErrors = [err6];
              } else {
                vErrors.push(err6);
              }
              errors++;
            }
            if (data2.time === undefined) {
              const err7 = {
                instancePath: instancePath + "/entries/" + i0,
                schemaPath: "#/properties/entries/items/required",
                keyword: "required",
                params: { missingProperty: "time" },
                message: "must have required property '" + "time" + "'",
              };
              if (vErrors === null) {
                vErrors = [err7];
              } else {
                vErrors.push(err7);
              }
              errors++;
            }
            if (data2.data === undefined) {
              const err8 = {
                instancePath: instancePath + "/entries/" + i0,
                schemaPath: "#/properties/entries/items/required",
                keyword: "required",
                params: { missingProperty: "data" },
                message: "must have required property '" + "data" + "'",
              };
              if (vErrors === null) {
                vErrors = [err8];
              } else {
                vErrors.push(err8);
              }
              errors++;
            }
            for (const key1 in data2) {
              if (!(key1 === "seq" || key1 === "subject" || key1 === "time" || key1 === "data")) {
                const err9 = {
                  instancePath: instancePath + "/entries/" + i0,
                  schemaPath: "#/properties/entries/items/additionalProperties",
                  keyword: "additionalProperties",
                  params: { additionalProperty: key1 },
                  message: "must NOT have additional properties",
                };
                if (vErrors === null) {
                  vErrors = [err9];
                } else {
                  vErrors.push(err9);
                }
                errors++;
              }
            }
            if (data2.seq !== undefined) {
              let data3 = data2.seq;
              if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
                const err10 = {
                  instancePath: instancePath + "/entries/" + i0 + "/seq",
                  schemaPath: "#/properties/entries/items/properties/seq/type",
                  keyword: "type",
                  params: { type: "integer" },
                  message: "must be integer",
                };
                if (vErrors === null) {
                  vErrors = [err10];
                } else {
                  vErrors.push(err10);
                }
                errors++;
              }
              if (typeof data3 == "number" && isFinite(data3)) {
                if (data3 < 1 || isNaN(data3)) {
                  const err11 = {
                    instancePath: instancePath + "/entries/" + i0 + "/seq",
                    schemaPath: "#/properties/entries/items/properties/seq/minimum",
                    keyword: "minimum",
                    params: { comparison: ">=", limit: 1 },
                    message: "must be >= 1",
                  };
                  if (vErrors === null) {
                    vErrors = [err11];
                  } else {
                    vErrors.push(err11);
                  }
                  errors++;
                }
              }
            }
            if (data2.subject !== undefined) {
              if (typeof data2.subject !== "string") {
                const err12 = {
                  instancePath: instancePath + "/entries/" + i0 + "/subject",
                  schemaPath: "#/properties/entries/items/properties/subject/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err12];
                } else {
                  vErrors.push(err12);
                }
                errors++;
              }
            }
            if (data2.time !== undefined) {
              if (typeof data2.time !== "string") {
                const err13 = {
                  instancePath: instancePath + "/entries/" + i0 + "/time",
                  schemaPath: "#/properties/entries/items/properties/time/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err13];
                } else {
                  vErrors.push(err13);
                }
                errors++;
              }
            }
            if (data2.data !== undefined) {
              if (typeof data2.data !== "string") {
                const err14 = {
                  instancePath: instancePath + "/entries/" + i0 + "/data",
                  schemaPath: "#/properties/entries/items/properties/data/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err14];
                } else {
                  vErrors.push(err14);
                }
                errors++;
              }
            }
          } else {
            const err15 = {
              instancePath: instancePath + "/entries/" + i0,
              schemaPath: "#/properties/entries/items/type",
              keyword: "type",
              params: { type: "object" },
              message: "must be object",
            };
            if (vErrors === null) {
              vErrors = [err15];
            } else {
              vErrors.push(err15);
            }
            errors++;
          }
        }
      } else {
        const err16 = {
          instancePath: instancePath + "/entries",
          schemaPath: "#/properties/entries/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err16];
        } else {
          vErrors.push(err16);
        }
        errors++;
      }
    }
    if (data.more !== undefined) {
      if (typeof data.more !== "boolean") {
        const err17 = {
          instancePath: instancePath + "/more",
          schemaPath: "#/properties/more/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err17];
        } else {
          vErrors.push(err17);
        }
        errors++;
      }
    }
  } else {
    const err18 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err18];
    } else {
      vErrors.push(err18);
    }
    errors++;
  }
  validate29.errors = vErrors;
  return errors === 0;
}
validate29.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const ReadRequest = validate30;
const schema44 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/read-request.v1.schema.json",
  title: "ReadRequest",
  description:
    "Request to <prefix>.api.read: a page of one run's log from a stream sequence on (for callers that may not read the stream itself, e.g. a tenant's clients).",
  type: "object",
  additionalProperties: false,
  required: ["runId"],
  properties: {
    v: {
      const: 1,
      description:
        "Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.",
    },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    fromSeq: { type: "integer", minimum: 1, description: "First stream sequence to return (1 by default)." },
  },
};
function validate30(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/read-request.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate30.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.runId === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === "v" || key0 === "runId" || key0 === "fromSeq")) {
        const err1 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err2 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data1 = data.runId;
      if (typeof data1 === "string") {
        if (!pattern4.test(data1)) {
          const err3 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err3];
          } else {
            vErrors.push(err3);
          }
          errors++;
        }
      } else {
        const err4 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err4];
        } else {
          vErrors.push(err4);
        }
        errors++;
      }
    }
    if (data.fromSeq !== undefined) {
      let data2 = data.fromSeq;
      if (!(typeof data2 == "number" && !(data2 % 1) && !isNaN(data2) && isFinite(data2))) {
        const err5 = {
          instancePath: instancePath + "/fromSeq",
          schemaPath: "#/properties/fromSeq/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
      if (typeof data2 == "number" && isFinite(data2)) {
        if (data2 < 1 || isNaN(data2)) {
          const err6 = {
            instancePath: instancePath + "/fromSeq",
            schemaPath: "#/properties/fromSeq/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err6];
          } else {
            vErrors.push(err6);
          }
          errors++;
        }
      }
    }
  } else {
    const err7 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err7];
    } else {
      vErrors.push(err7);
    }
    errors++;
  }
  validate30.errors = vErrors;
  return errors === 0;
}
validate30.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const RunApproval = validate31;
const schema45 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/run-approval.v1.schema.json",
  title: "RunApproval",
  description:
    'A human\'s decision on a tool call that requires approval, on <prefix>.run.<runId>.evt.approval.<turn>.<index> (one per call, ever); or on going past a budget before model turn <turn>, on <prefix>.run.<runId>.evt.approval.<turn>.budget (index 0, callId "budget"); or on going on after the stuck-loop guard paused the run before model turn <turn>, on <prefix>.run.<runId>.evt.approval.<turn>.loop (index 0, callId "loop"). Or on a call whose outcome was ambiguous (a reconcile or irreversible tool started and left no result), on <prefix>.run.<runId>.evt.approval.<turn>.<index>.<round>: approve runs it again (round + 1), deny records a failure, approve with `result` records that result.',
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "turn", "index", "callId", "decision", "at"],
  properties: {
    v: { const: 1 },
    type: { const: "run.approval" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    turn: { type: "integer", minimum: 1 },
    index: { type: "integer", minimum: 0 },
    callId: { type: "string" },
    decision: { enum: ["approve", "deny"] },
    arguments: {
      type: "string",
      description:
        "The arguments (a JSON object's text) the approver replaced the call's with; only on an approval of a call whose tool has argsEditable. The tool runs with these.",
    },
    reason: { type: "string" },
    by: {
      type: "string",
      description:
        "Who decided, from the caller's authenticated connection (<account>/<user>, or 'operator'): never from the request body.",
    },
    at: { type: "string" },
    round: {
      type: "integer",
      minimum: 0,
      description:
        "On an ambiguous call's decision: the round whose outcome was ambiguous (0: the call's command; n: its n-th rerun).",
    },
    result: {
      type: "string",
      description:
        "On an ambiguous call's approval: the result to record as the call's (the effect landed and this is what it gave); the tool is not run again.",
    },
  },
};
function validate31(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/run-approval.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate31.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.index === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "index" },
        message: "must have required property '" + "index" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.callId === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "callId" },
        message: "must have required property '" + "callId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.decision === undefined) {
      const err6 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "decision" },
        message: "must have required property '" + "decision" + "'",
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    if (data.at === undefined) {
      const err7 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "at" },
        message: "must have required property '" + "at" + "'",
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema45.properties, key0)) {
        const err8 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err9 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("run.approval" !== data.type) {
        const err10 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "run.approval" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err11 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err11];
          } else {
            vErrors.push(err11);
          }
          errors++;
        }
      } else {
        const err12 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
    if (data.turn !== undefined) {
      let data3 = data.turn;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err13 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 1 || isNaN(data3)) {
          const err14 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err14];
          } else {
            vErrors.push(err14);
          }
          errors++;
        }
      }
    }
    if (data.index !== undefined) {
      let data4 = data.index;
      if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
        const err15 = {
          instancePath: instancePath + "/index",
          schemaPath: "#/properties/index/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
      if (typeof data4 == "number" && isFinite(data4)) {
        if (data4 < 0 || isNaN(data4)) {
          const err16 = {
            instancePath: instancePath + "/index",
            schemaPath: "#/properties/index/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err16];
          } else {
            vErrors.push(err16);
          }
          errors++;
        }
      }
    }
    if (data.callId !== undefined) {
      if (typeof data.callId !== "string") {
        const err17 = {
          instancePath: instancePath + "/callId",
          schemaPath: "#/properties/callId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err17];
        } else {
          vErrors.push(err17);
        }
        errors++;
      }
    }
    if (data.decision !== undefined) {
      let data6 = data.decision;
      if (!(data6 === "approve" || data6 === "deny")) {
        const err18 = {
          instancePath: instancePath + "/decision",
          schemaPath: "#/properties/decision/enum",
          keyword: "enum",
          params: { allowedValues: schema45.properties.decision.enum },
          message: "must be equal to one of the allowed values",
        };
        if (vErrors === null) {
          vErrors = [err18];
        } else {
          vErrors.push(err18);
        }
        errors++;
      }
    }
    if (data.arguments !== undefined) {
      if (typeof data.arguments !== "string") {
        const err19 = {
          instancePath: instancePath + "/arguments",
          schemaPath: "#/properties/arguments/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err19];
        } else {
          vErrors.push(err19);
        }
        errors++;
      }
    }
    if (data.reason !== undefined) {
      if (typeof data.reason !== "string") {
        const err20 = {
          instancePath: instancePath + "/reason",
          schemaPath: "#/properties/reason/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err20];
        } else {
          vErrors.push(err20);
        }
        errors++;
      }
    }
    if (data.by !== undefined) {
      if (typeof data.by !== "string") {
        const err21 = {
          instancePath: instancePath + "/by",
          schemaPath: "#/properties/by/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err21];
        } else {
          vErrors.push(err21);
        }
        errors++;
      }
    }
    if (data.at !== undefined) {
      if (typeof data.at !== "string") {
        const err22 = {
          instancePath: instancePath + "/at",
          schemaPath: "#/properties/at/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err22];
        } else {
          vErrors.push(err22);
        }
        errors++;
      }
    }
    if (data.round !== undefined) {
      let data11 = data.round;
      if (!(typeof data11 == "number" && !(data11 % 1) && !isNaN(data11) && isFinite(data11))) {
        const err23 = {
          instancePath: instancePath + "/round",
          schemaPath: "#/properties/round/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err23];
        } else {
          vErrors.push(err23);
        }
        errors++;
      }
      if (typeof data11 == "number" && isFinite(data11)) {
        if (data11 < 0 || isNaN(data11)) {
          const err24 = {
            instancePath: instancePath + "/round",
            schemaPath: "#/properties/round/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err24];
          } else {
            vErrors.push(err24);
          }
          errors++;
        }
      }
    }
    if (data.result !== undefined) {
      if (typeof data.result !== "string") {
        const err25 = {
          instancePath: instancePath + "/result",
          schemaPath: "#/properties/result/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err25];
        } else {
          vErrors.push(err25);
        }
        errors++;
      }
    }
  } else {
    const err26 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err26];
    } else {
      vErrors.push(err26);
    }
    errors++;
  }
  validate31.errors = vErrors;
  return errors === 0;
}
validate31.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const RunEnded = validate32;
const schema46 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/run-ended.v1.schema.json",
  title: "RunEnded",
  description: "The last event of a run, on <prefix>.run.<runId>.evt.ended.",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "status", "turns", "usage", "endedAt"],
  properties: {
    v: { const: 1 },
    type: { const: "run.ended" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    status: { enum: ["completed", "failed", "cancelled"] },
    answer: { type: "string" },
    answerRef: {
      type: "object",
      additionalProperties: false,
      required: ["bucket", "name", "bytes", "sha256"],
      properties: {
        bucket: { type: "string" },
        name: { type: "string" },
        bytes: { type: "integer", minimum: 0 },
        sha256: { type: "string" },
      },
      description:
        "The full text is in the payload stream (<PREFIX>_PAYLOADS, chunks <prefix>.payload.<runId>.<sha256>.<n>): it was larger than CAIRN_LARGE_PAYLOAD_BYTES; the inline field holds a preview.",
    },
    output: {
      anyOf: [
        { type: "object" },
        { type: "array" },
        { type: "string" },
        { type: "number" },
        { type: "boolean" },
        { type: "null" },
      ],
      description:
        "The final answer parsed as JSON, for an agent with structured output (`output`): it validated against the agent's schema.",
    },
    reason: { type: "string" },
    error: {
      type: "object",
      additionalProperties: false,
      required: ["kind", "message"],
      properties: {
        kind: { type: "string", minLength: 1 },
        message: { type: "string" },
        retryable: { type: "boolean" },
      },
    },
    turns: { type: "integer", minimum: 0 },
    usage: {
      type: "object",
      additionalProperties: false,
      required: ["inputTokens", "outputTokens"],
      properties: { inputTokens: { type: "integer", minimum: 0 }, outputTokens: { type: "integer", minimum: 0 } },
    },
    endedAt: { type: "string" },
  },
};
function validate32(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/run-ended.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate32.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.status === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "status" },
        message: "must have required property '" + "status" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.turns === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turns" },
        message: "must have required property '" + "turns" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.usage === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "usage" },
        message: "must have required property '" + "usage" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.endedAt === undefined) {
      const err6 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "endedAt" },
        message: "must have required property '" + "endedAt" + "'",
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema46.properties, key0)) {
        const err7 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err8 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("run.ended" !== data.type) {
        const err9 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "run.ended" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err10 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err10];
          } else {
            vErrors.push(err10);
          }
          errors++;
        }
      } else {
        const err11 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.status !== undefined) {
      let data3 = data.status;
      if (!(data3 === "completed" || data3 === "failed" || data3 === "cancelled")) {
        const err12 = {
          instancePath: instancePath + "/status",
          schemaPath: "#/properties/status/enum",
          keyword: "enum",
          params: { allowedValues: schema46.properties.status.enum },
          message: "must be equal to one of the allowed values",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
    if (data.answer !== undefined) {
      if (typeof data.answer !== "string") {
        const err13 = {
          instancePath: instancePath + "/answer",
          schemaPath: "#/properties/answer/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (data.answerRef !== undefined) {
      let data5 = data.answerRef;
      if (data5 && typeof data5 == "object" && !Array.isArray(data5)) {
        if (data5.bucket === undefined) {
          const err14 = {
            instancePath: instancePath + "/answerRef",
            schemaPath: "#/properties/answerRef/required",
            keyword: "required",
            params: { missingProperty: "bucket" },
            message: "must have required property '" + "bucket" + "'",
          };
          if (vErrors === null) {
            vErrors = [err14];
          } else {
            vErrors.push(err14);
          }
          errors++;
        }
        if (data5.name === undefined) {
          const err15 = {
            instancePath: instancePath + "/answerRef",
            schemaPath: "#/properties/answerRef/required",
            keyword: "required",
            params: { missingProperty: "name" },
            message: "must have required property '" + "name" + "'",
          };
          if (vErrors === null) {
            vErrors = [err15];
          } else {
            vErrors.push(err15);
          }
          errors++;
        }
        if (data5.bytes === undefined) {
          const err16 = {
            instancePath: instancePath + "/answerRef",
            schemaPath: "#/properties/answerRef/required",
            keyword: "required",
            params: { missingProperty: "bytes" },
            message: "must have required property '" + "bytes" + "'",
          };
          if (vErrors === null) {
            vErrors = [err16];
          } else {
            vErrors.push(err16);
          }
          errors++;
        }
        if (data5.sha256 === undefined) {
          const err17 = {
            instancePath: instancePath + "/answerRef",
            schemaPath: "#/properties/answerRef/required",
            keyword: "required",
            params: { missingProperty: "sha256" },
            message: "must have required property '" + "sha256" + "'",
          };
          if (vErrors === null) {
            vErrors = [err17];
          } else {
            vErrors.push(err17);
          }
          errors++;
        }
        for (const key1 in data5) {
          if (!(key1 === "bucket" || key1 === "name" || key1 === "bytes" || key1 === "sha256")) {
            const err18 = {
              instancePath: instancePath + "/answerRef",
              schemaPath: "#/properties/answerRef/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key1 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err18];
            } else {
              vErrors.push(err18);
            }
            errors++;
          }
        }
        if (data5.bucket !== undefined) {
          if (typeof data5.bucket !== "string") {
            const err19 = {
              instancePath: instancePath + "/answerRef/bucket",
              schemaPath: "#/properties/answerRef/properties/bucket/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err19];
            } else {
              vErrors.push(err19);
            }
            errors++;
          }
        }
        if (data5.name !== undefined) {
          if (typeof data5.name !== "string") {
            const err20 = {
              instancePath: instancePath + "/answerRef/name",
              schemaPath: "#/properties/answerRef/properties/name/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err20];
            } else {
              vErrors.push(err20);
            }
            errors++;
          }
        }
        if (data5.bytes !== undefined) {
          let data8 = data5.bytes;
          if (!(typeof data8 == "number" && !(data8 % 1) && !isNaN(data8) && isFinite(data8))) {
            const err21 = {
              instancePath: instancePath + "/answerRef/bytes",
              schemaPath: "#/properties/answerRef/properties/bytes/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err21];
            } else {
              vErrors.push(err21);
            }
            errors++;
          }
          if (typeof data8 == "number" && isFinite(data8)) {
            if (data8 < 0 || isNaN(data8)) {
              const err22 = {
                instancePath: instancePath + "/answerRef/bytes",
                schemaPath: "#/properties/answerRef/properties/bytes/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err22];
              } else {
                vErrors.push(err22);
              }
              errors++;
            }
          }
        }
        if (data5.sha256 !== undefined) {
          if (typeof data5.sha256 !== "string") {
            const err23 = {
              instancePath: instancePath + "/answerRef/sha256",
              schemaPath: "#/properties/answerRef/properties/sha256/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err23];
            } else {
              vErrors.push(err23);
            }
            errors++;
          }
        }
      } else {
        const err24 = {
          instancePath: instancePath + "/answerRef",
          schemaPath: "#/properties/answerRef/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err24];
        } else {
          vErrors.push(err24);
        }
        errors++;
      }
    }
    if (data.output !== undefined) {
      let data10 = data.output;
      const _errs21 = errors;
      let valid2 = false;
      const _errs22 = errors;
      if (!(data10 && typeof data10 == "object" && !Array.isArray(data10))) {
        const err25 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf/0/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err25];
        } else {
          vErrors.push(err25);
        }
        errors++;
      }
      var _valid0 = _errs22 === errors;
      valid2 = valid2 || _valid0;
      const _errs24 = errors;
      if (!Array.isArray(data10)) {
        const err26 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf/1/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err26];
        } else {
          vErrors.push(err26);
        }
        errors++;
      }
      var _valid0 = _errs24 === errors;
      valid2 = valid2 || _valid0;
      const _errs26 = errors;
      if (typeof data10 !== "string") {
        const err27 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf/2/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err27];
        } else {
          vErrors.push(err27);
        }
        errors++;
      }
      var _valid0 = _errs26 === errors;
      valid2 = valid2 || _valid0;
      const _errs28 = errors;
      if (!(typeof data10 == "number" && isFinite(data10))) {
        const err28 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf/3/type",
          keyword: "type",
          params: { type: "number" },
          message: "must be number",
        };
        if (vErrors === null) {
          vErrors = [err28];
        } else {
          vErrors.push(err28);
        }
        errors++;
      }
      var _valid0 = _errs28 === errors;
      valid2 = valid2 || _valid0;
      const _errs30 = errors;
      if (typeof data10 !== "boolean") {
        const err29 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf/4/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err29];
        } else {
          vErrors.push(err29);
        }
        errors++;
      }
      var _valid0 = _errs30 === errors;
      valid2 = valid2 || _valid0;
      const _errs32 = errors;
      if (data10 !== null) {
        const err30 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf/5/type",
          keyword: "type",
          params: { type: "null" },
          message: "must be null",
        };
        if (vErrors === null) {
          vErrors = [err30];
        } else {
          vErrors.push(err30);
        }
        errors++;
      }
      var _valid0 = _errs32 === errors;
      valid2 = valid2 || _valid0;
      if (!valid2) {
        const err31 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf",
          keyword: "anyOf",
          params: {},
          message: "must match a schema in anyOf",
        };
        if (vErrors === null) {
          vErrors = [err31];
        } else {
          vErrors.push(err31);
        }
        errors++;
      } else {
        errors = _errs21;
        if (vErrors !== null) {
          if (_errs21) {
            vErrors.length = _errs21;
          } else {
            vErrors = null;
          }
        }
      }
    }
    if (data.reason !== undefined) {
      if (typeof data.reason !== "string") {
        const err32 = {
          instancePath: instancePath + "/reason",
          schemaPath: "#/properties/reason/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err32];
        } else {
          vErrors.push(err32);
        }
        errors++;
      }
    }
    if (data.error !== undefined) {
      let data12 = data.error;
      if (data12 && typeof data12 == "object" && !Array.isArray(data12)) {
        if (data12.kind === undefined) {
          const err33 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "kind" },
            message: "must have required property '" + "kind" + "'",
          };
          if (vErrors === null) {
            vErrors = [err33];
          } else {
            vErrors.push(err33);
          }
          errors++;
        }
        if (data12.message === undefined) {
          const err34 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "message" },
            message: "must have required property '" + "message" + "'",
          };
          if (vErrors === null) {
            vErrors = [err34];
          } else {
            vErrors.push(err34);
          }
          errors++;
        }
        for (const key2 in data12) {
          if (!(key2 === "kind" || key2 === "message" || key2 === "retryable")) {
            const err35 = {
              instancePath: instancePath + "/error",
              schemaPath: "#/properties/error/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key2 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err35];
            } else {
              vErrors.push(err35);
            }
            errors++;
          }
        }
        if (data12.kind !== undefined) {
          let data13 = data12.kind;
          if (typeof data13 === "string") {
            if (func2(data13) < 1) {
              const err36 = {
                instancePath: instancePath + "/error/kind",
                schemaPath: "#/properties/error/properties/kind/minLength",
                keyword: "minLength",
                params: { limit: 1 },
                message: "must NOT have fewer than 1 characters",
              };
              if (vErrors === null) {
                vErrors = [err36];
              } else {
                vErrors.push(err36);
              }
              errors++;
            }
          } else {
            const err37 = {
              instancePath: instancePath + "/error/kind",
              schemaPath: "#/properties/error/properties/kind/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err37];
            } else {
              vErrors.push(err37);
            }
            errors++;
          }
        }
        if (data12.message !== undefined) {
          if (typeof data12.message !== "string") {
            const err38 = {
              instancePath: instancePath + "/error/message",
              schemaPath: "#/properties/error/properties/message/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err38];
            } else {
              vErrors.push(err38);
            }
            errors++;
          }
        }
        if (data12.retryable !== undefined) {
          if (typeof data12.retryable !== "boolean") {
            const err39 = {
              instancePath: instancePath + "/error/retryable",
              schemaPath: "#/properties/error/properties/retryable/type",
              keyword: "type",
              params: { type: "boolean" },
              message: "must be boolean",
            };
            if (vErrors === null) {
              vErrors = [err39];
            } else {
              vErrors.push(err39);
            }
            errors++;
          }
        }
      } else {
        const err40 = {
          instancePath: instancePath + "/error",
          schemaPath: "#/properties/error/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err40];
        } else {
          vErrors.push(err40);
        }
        errors++;
      }
    }
    if (data.turns !== undefined) {
      let data16 = data.turns;
      if (!(typeof data16 == "number" && !(data16 % 1) && !isNaN(data16) && isFinite(data16))) {
        const err41 = {
          instancePath: instancePath + "/turns",
          schemaPath: "#/properties/turns/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err41];
        } else {
          vErrors.push(err41);
        }
        errors++;
      }
      if (typeof data16 == "number" && isFinite(data16)) {
        if (data16 < 0 || isNaN(data16)) {
          const err42 = {
            instancePath: instancePath + "/turns",
            schemaPath: "#/properties/turns/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err42];
          } else {
            vErrors.push(err42);
          }
          errors++;
        }
      }
    }
    if (data.usage !== undefined) {
      let data17 = data.usage;
      if (data17 && typeof data17 == "object" && !Array.isArray(data17)) {
        if (data17.inputTokens === undefined) {
          const err43 = {
            instancePath: instancePath + "/usage",
            schemaPath: "#/properties/usage/required",
            keyword: "required",
            params: { missingProperty: "inputTokens" },
            message: "must have required property '" + "inputTokens" + "'",
          };
          if (vErrors === null) {
            vErrors = [err43];
          } else {
            vErrors.push(err43);
          }
          errors++;
        }
        if (data17.outputTokens === undefined) {
          const err44 = {
            instancePath: instancePath + "/usage",
            schemaPath: "#/properties/usage/required",
            keyword: "required",
            params: { missingProperty: "outputTokens" },
            message: "must have required property '" + "outputTokens" + "'",
          };
          if (vErrors === null) {
            vErrors = [err44];
          } else {
            vErrors.push(err44);
          }
          errors++;
        }
        for (const key3 in data17) {
          if (!(key3 === "inputTokens" || key3 === "outputTokens")) {
            const err45 = {
              instancePath: instancePath + "/usage",
              schemaPath: "#/properties/usage/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key3 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err45];
            } else {
              vErrors.push(err45);
            }
            errors++;
          }
        }
        if (data17.inputTokens !== undefined) {
          let data18 = data17.inputTokens;
          if (!(typeof data18 == "number" && !(data18 % 1) && !isNaN(data18) && isFinite(data18))) {
            const err46 = {
              instancePath: instancePath + "/usage/inputTokens",
              schemaPath: "#/properties/usage/properties/inputTokens/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err46];
            } else {
              vErrors.push(err46);
            }
            errors++;
          }
          if (typeof data18 == "number" && isFinite(data18)) {
            if (data18 < 0 || isNaN(data18)) {
              const err47 = {
                instancePath: instancePath + "/usage/inputTokens",
                schemaPath: "#/properties/usage/properties/inputTokens/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err47];
              } else {
                vErrors.push(err47);
              }
              errors++;
            }
          }
        }
        if (data17.outputTokens !== undefined) {
          let data19 = data17.outputTokens;
          if (!(typeof data19 == "number" && !(data19 % 1) && !isNaN(data19) && isFinite(data19))) {
            const err48 = {
              instancePath: instancePath + "/usage/outputTokens",
              schemaPath: "#/properties/usage/properties/outputTokens/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err48];
            } else {
              vErrors.push(err48);
            }
            errors++;
          }
          if (typeof data19 == "number" && isFinite(data19)) {
            if (data19 < 0 || isNaN(data19)) {
              const err49 = {
                instancePath: instancePath + "/usage/outputTokens",
                schemaPath: "#/properties/usage/properties/outputTokens/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err49];
              } else {
                vErrors.push(err49);
              }
              errors++;
            }
          }
        }
      } else {
        const err50 = {
          instancePath: instancePath + "/usage",
          schemaPath: "#/properties/usage/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err50];
        } else {
          vErrors.push(err50);
        }
        errors++;
      }
    }
    if (data.endedAt !== undefined) {
      if (typeof data.endedAt !== "string") {
        const err51 = {
          instancePath: instancePath + "/endedAt",
          schemaPath: "#/properties/endedAt/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err51];
        } else {
          vErrors.push(err51);
        }
        errors++;
      }
    }
  } else {
    const err52 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err52];
    } else {
      vErrors.push(err52);
    }
    errors++;
  }
  validate32.errors = vErrors;
  return errors === 0;
}
validate32.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const RunError = validate33;
const schema47 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/run-error.v1.schema.json",
  title: "RunError",
  description:
    "A problem recorded in a run log, on <prefix>.run.<runId>.evt.error.<id>: a malformed, schema-invalid or oversized message seen by a service (id s<seq>), or a failed attempt of a step that will be retried (id s<seq>-<attempt>, with attempt and retryAt). Decides nothing: the run's step is recorded by its result.",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "service", "subject", "seq", "error", "at"],
  properties: {
    v: { const: 1 },
    type: { const: "run.error" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    service: { type: "string" },
    subject: { type: "string" },
    seq: { type: "integer", minimum: 0 },
    error: {
      type: "object",
      additionalProperties: false,
      required: ["kind", "message"],
      properties: {
        kind: { type: "string", minLength: 1 },
        message: { type: "string" },
        retryable: { type: "boolean" },
      },
    },
    at: { type: "string" },
    attempt: {
      type: "integer",
      minimum: 1,
      description: "A retried step: the attempt that failed (the command's delivery count).",
    },
    retryAt: {
      type: "string",
      description: "A retried step: when its next attempt is due (RFC 3339), the message handed back with that delay.",
    },
  },
};
function validate33(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/run-error.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate33.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.service === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "service" },
        message: "must have required property '" + "service" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.subject === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "subject" },
        message: "must have required property '" + "subject" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.seq === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "seq" },
        message: "must have required property '" + "seq" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.error === undefined) {
      const err6 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "error" },
        message: "must have required property '" + "error" + "'",
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    if (data.at === undefined) {
      const err7 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "at" },
        message: "must have required property '" + "at" + "'",
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema47.properties, key0)) {
        const err8 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err9 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("run.error" !== data.type) {
        const err10 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "run.error" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err11 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err11];
          } else {
            vErrors.push(err11);
          }
          errors++;
        }
      } else {
        const err12 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
    if (data.service !== undefined) {
      if (typeof data.service !== "string") {
        const err13 = {
          instancePath: instancePath + "/service",
          schemaPath: "#/properties/service/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (data.subject !== undefined) {
      if (typeof data.subject !== "string") {
        const err14 = {
          instancePath: instancePath + "/subject",
          schemaPath: "#/properties/subject/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
    }
    if (data.seq !== undefined) {
      let data5 = data.seq;
      if (!(typeof data5 == "number" && !(data5 % 1) && !isNaN(data5) && isFinite(data5))) {
        const err15 = {
          instancePath: instancePath + "/seq",
          schemaPath: "#/properties/seq/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
      if (typeof data5 == "number" && isFinite(data5)) {
        if (data5 < 0 || isNaN(data5)) {
          const err16 = {
            instancePath: instancePath + "/seq",
            schemaPath: "#/properties/seq/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err16];
          } else {
            vErrors.push(err16);
          }
          errors++;
        }
      }
    }
    if (data.error !== undefined) {
      let data6 = data.error;
      if (data6 && typeof data6 == "object" && !Array.isArray(data6)) {
        if (data6.kind === undefined) {
          const err17 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "kind" },
            message: "must have required property '" + "kind" + "'",
          };
          if (vErrors === null) {
            vErrors = [err17];
          } else {
            vErrors.push(err17);
          }
          errors++;
        }
        if (data6.message === undefined) {
          const err18 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "message" },
            message: "must have required property '" + "message" + "'",
          };
          if (vErrors === null) {
            vErrors = [err18];
          } else {
            vErrors.push(err18);
          }
          errors++;
        }
        for (const key1 in data6) {
          if (!(key1 === "kind" || key1 === "message" || key1 === "retryable")) {
            const err19 = {
              instancePath: instancePath + "/error",
              schemaPath: "#/properties/error/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key1 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err19];
            } else {
              vErrors.push(err19);
            }
            errors++;
          }
        }
        if (data6.kind !== undefined) {
          let data7 = data6.kind;
          if (typeof data7 === "string") {
            if (func2(data7) < 1) {
              const err20 = {
                instancePath: instancePath + "/error/kind",
                schemaPath: "#/properties/error/properties/kind/minLength",
                keyword: "minLength",
                params: { limit: 1 },
                message: "must NOT have fewer than 1 characters",
              };
              if (vErrors === null) {
                vErrors = [err20];
              } else {
                vErrors.push(err20);
              }
              errors++;
            }
          } else {
            const err21 = {
              instancePath: instancePath + "/error/kind",
              schemaPath: "#/properties/error/properties/kind/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err21];
            } else {
              vErrors.push(err21);
            }
            errors++;
          }
        }
        if (data6.message !== undefined) {
          if (typeof data6.message !== "string") {
            const err22 = {
              instancePath: instancePath + "/error/message",
              schemaPath: "#/properties/error/properties/message/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err22];
            } else {
              vErrors.push(err22);
            }
            errors++;
          }
        }
        if (data6.retryable !== undefined) {
          if (typeof data6.retryable !== "boolean") {
            const err23 = {
              instancePath: instancePath + "/error/retryable",
              schemaPath: "#/properties/error/properties/retryable/type",
              keyword: "type",
              params: { type: "boolean" },
              message: "must be boolean",
            };
            if (vErrors === null) {
              vErrors = [err23];
            } else {
              vErrors.push(err23);
            }
            errors++;
          }
        }
      } else {
        const err24 = {
          instancePath: instancePath + "/error",
          schemaPath: "#/properties/error/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err24];
        } else {
          vErrors.push(err24);
        }
        errors++;
      }
    }
    if (data.at !== undefined) {
      if (typeof data.at !== "string") {
        const err25 = {
          instancePath: instancePath + "/at",
          schemaPath: "#/properties/at/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err25];
        } else {
          vErrors.push(err25);
        }
        errors++;
      }
    }
    if (data.attempt !== undefined) {
      let data11 = data.attempt;
      if (!(typeof data11 == "number" && !(data11 % 1) && !isNaN(data11) && isFinite(data11))) {
        const err26 = {
          instancePath: instancePath + "/attempt",
          schemaPath: "#/properties/attempt/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err26];
        } else {
          vErrors.push(err26);
        }
        errors++;
      }
      if (typeof data11 == "number" && isFinite(data11)) {
        if (data11 < 1 || isNaN(data11)) {
          const err27 = {
            instancePath: instancePath + "/attempt",
            schemaPath: "#/properties/attempt/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err27];
          } else {
            vErrors.push(err27);
          }
          errors++;
        }
      }
    }
    if (data.retryAt !== undefined) {
      if (typeof data.retryAt !== "string") {
        const err28 = {
          instancePath: instancePath + "/retryAt",
          schemaPath: "#/properties/retryAt/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err28];
        } else {
          vErrors.push(err28);
        }
        errors++;
      }
    }
  } else {
    const err29 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err29];
    } else {
      vErrors.push(err29);
    }
    errors++;
  }
  validate33.errors = vErrors;
  return errors === 0;
}
validate33.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const RunGuard = validate34;
const schema48 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/run-guard.v1.schema.json",
  title: "RunGuard",
  description:
    "The verdict of a run's guardrails at one point, recorded by the planner: on <prefix>.run.<runId>.evt.guard.<turn>.input (the task, before model turn 1) or .output (the answer of model turn <turn>). Once recorded it stands: a replay or a planner with other code reads it, and only `cairn replay --check` re-runs the checks to compare.",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "turn", "point", "tripped", "at"],
  properties: {
    v: { const: 1 },
    type: { const: "run.guard" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    turn: { type: "integer", minimum: 1 },
    point: { enum: ["input", "output"] },
    tripped: {
      type: "boolean",
      description:
        "A guardrail tripped: `guardrail` names the first that did (in the agent's order), and `onTrip` what follows.",
    },
    guardrail: { type: "string" },
    message: { type: "string", maxLength: 4096 },
    onTrip: {
      enum: ["fail", "pause"],
      description:
        "fail: the run ends failed (reason guardrail_tripped); pause: it waits for a human (cairn approve <runId> guard lets it go on as if nothing tripped; deny ends it failed).",
    },
    checked: { type: "array", items: { type: "string" }, description: "The guardrails checked, in order." },
    at: { type: "string" },
  },
};
function validate34(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/run-guard.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate34.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.point === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "point" },
        message: "must have required property '" + "point" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.tripped === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "tripped" },
        message: "must have required property '" + "tripped" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.at === undefined) {
      const err6 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "at" },
        message: "must have required property '" + "at" + "'",
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema48.properties, key0)) {
        const err7 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err8 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("run.guard" !== data.type) {
        const err9 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "run.guard" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err10 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err10];
          } else {
            vErrors.push(err10);
          }
          errors++;
        }
      } else {
        const err11 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.turn !== undefined) {
      let data3 = data.turn;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err12 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 1 || isNaN(data3)) {
          const err13 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err13];
          } else {
            vErrors.push(err13);
          }
          errors++;
        }
      }
    }
    if (data.point !== undefined) {
      let data4 = data.point;
      if (!(data4 === "input" || data4 === "output")) {
        const err14 = {
          instancePath: instancePath + "/point",
          schemaPath: "#/properties/point/enum",
          keyword: "enum",
          params: { allowedValues: schema48.properties.point.enum },
          message: "must be equal to one of the allowed values",
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
    }
    if (data.tripped !== undefined) {
      if (typeof data.tripped !== "boolean") {
        const err15 = {
          instancePath: instancePath + "/tripped",
          schemaPath: "#/properties/tripped/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
    }
    if (data.guardrail !== undefined) {
      if (typeof data.guardrail !== "string") {
        const err16 = {
          instancePath: instancePath + "/guardrail",
          schemaPath: "#/properties/guardrail/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err16];
        } else {
          vErrors.push(err16);
        }
        errors++;
      }
    }
    if (data.message !== undefined) {
      let data7 = data.message;
      if (typeof data7 === "string") {
        if (func2(data7) > 4096) {
          const err17 = {
            instancePath: instancePath + "/message",
            schemaPath: "#/properties/message/maxLength",
            keyword: "maxLength",
            params: { limit: 4096 },
            message: "must NOT have more than 4096 characters",
          };
          if (vErrors === null) {
            vErrors = [err17];
          } else {
            vErrors.push(err17);
          }
          errors++;
        }
      } else {
        const err18 = {
          instancePath: instancePath + "/message",
          schemaPath: "#/properties/message/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err18];
        } else {
          vErrors.push(err18);
        }
        errors++;
      }
    }
    if (data.onTrip !== undefined) {
      let data8 = data.onTrip;
      if (!(data8 === "fail" || data8 === "pause")) {
        const err19 = {
          instancePath: instancePath + "/onTrip",
          schemaPath: "#/properties/onTrip/enum",
          keyword: "enum",
          params: { allowedValues: schema48.properties.onTrip.enum },
          message: "must be equal to one of the allowed values",
        };
        if (vErrors === null) {
          vErrors = [err19];
        } else {
          vErrors.push(err19);
        }
        errors++;
      }
    }
    if (data.checked !== undefined) {
      let data9 = data.checked;
      if (Array.isArray(data9)) {
        const len0 = data9.length;
        for (let i0 = 0; i0 < len0; i0++) {
          if (typeof data9[i0] !== "string") {
            const err20 = {
              instancePath: instancePath + "/checked/" + i0,
              schemaPath: "#/properties/checked/items/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err20];
            } else {
              vErrors.push(err20);
            }
            errors++;
          }
        }
      } else {
        const err21 = {
          instancePath: instancePath + "/checked",
          schemaPath: "#/properties/checked/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err21];
        } else {
          vErrors.push(err21);
        }
        errors++;
      }
    }
    if (data.at !== undefined) {
      if (typeof data.at !== "string") {
        const err22 = {
          instancePath: instancePath + "/at",
          schemaPath: "#/properties/at/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err22];
        } else {
          vErrors.push(err22);
        }
        errors++;
      }
    }
  } else {
    const err23 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err23];
    } else {
      vErrors.push(err23);
    }
    errors++;
  }
  validate34.errors = vErrors;
  return errors === 0;
}
validate34.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const RunMessage = validate35;
const schema49 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/run-message.v1.schema.json",
  title: "RunMessage",
  description:
    "A user's message to a run (cairn send), on <prefix>.run.<runId>.evt.message.<n>, n = 1, 2, … in log order: while the run works it is queued and put into the next model call (steering); after an answer of a conversation agent it starts the next turn. With end, a conversation ends after its next answer.",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "n", "at"],
  properties: {
    v: { const: 1 },
    type: { const: "run.message" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    n: { type: "integer", minimum: 1, description: "The message's number in the run: its subject's last token." },
    text: { type: "string", maxLength: 65536, description: "What the model reads, as a user message." },
    end: {
      const: true,
      description: "End the conversation after the next answer (at once if the run waits for a message).",
    },
    by: {
      type: "string",
      description:
        "Who sent it, from the caller's authenticated connection (<account>/<user>, or 'operator'): never from the request body.",
    },
    at: { type: "string" },
  },
};
function validate35(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/run-message.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate35.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.n === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "n" },
        message: "must have required property '" + "n" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.at === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "at" },
        message: "must have required property '" + "at" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(
        key0 === "v" ||
        key0 === "type" ||
        key0 === "runId" ||
        key0 === "n" ||
        key0 === "text" ||
        key0 === "end" ||
        key0 === "by" ||
        key0 === "at"
      )) {
        const err5 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err6 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("run.message" !== data.type) {
        const err7 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "run.message" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err8 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err8];
          } else {
            vErrors.push(err8);
          }
          errors++;
        }
      } else {
        const err9 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.n !== undefined) {
      let data3 = data.n;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err10 = {
          instancePath: instancePath + "/n",
          schemaPath: "#/properties/n/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 1 || isNaN(data3)) {
          const err11 = {
            instancePath: instancePath + "/n",
            schemaPath: "#/properties/n/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err11];
          } else {
            vErrors.push(err11);
          }
          errors++;
        }
      }
    }
    if (data.text !== undefined) {
      let data4 = data.text;
      if (typeof data4 === "string") {
        if (func2(data4) > 65536) {
          const err12 = {
            instancePath: instancePath + "/text",
            schemaPath: "#/properties/text/maxLength",
            keyword: "maxLength",
            params: { limit: 65536 },
            message: "must NOT have more than 65536 characters",
          };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      } else {
        const err13 = {
          instancePath: instancePath + "/text",
          schemaPath: "#/properties/text/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (data.end !== undefined) {
      if (true !== data.end) {
        const err14 = {
          instancePath: instancePath + "/end",
          schemaPath: "#/properties/end/const",
          keyword: "const",
          params: { allowedValue: true },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
    }
    if (data.by !== undefined) {
      if (typeof data.by !== "string") {
        const err15 = {
          instancePath: instancePath + "/by",
          schemaPath: "#/properties/by/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
    }
    if (data.at !== undefined) {
      if (typeof data.at !== "string") {
        const err16 = {
          instancePath: instancePath + "/at",
          schemaPath: "#/properties/at/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err16];
        } else {
          vErrors.push(err16);
        }
        errors++;
      }
    }
  } else {
    const err17 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err17];
    } else {
      vErrors.push(err17);
    }
    errors++;
  }
  validate35.errors = vErrors;
  return errors === 0;
}
validate35.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const RunRequest = validate36;
const schema50 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/run-request.v1.schema.json",
  title: "RunRequest",
  description: "Request naming one run: <prefix>.api.status and <prefix>.api.cancel.",
  type: "object",
  additionalProperties: false,
  required: ["runId"],
  properties: {
    v: {
      const: 1,
      description:
        "Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.",
    },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    reason: { type: "string" },
  },
};
function validate36(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/run-request.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate36.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.runId === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === "v" || key0 === "runId" || key0 === "reason")) {
        const err1 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err2 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data1 = data.runId;
      if (typeof data1 === "string") {
        if (!pattern4.test(data1)) {
          const err3 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err3];
          } else {
            vErrors.push(err3);
          }
          errors++;
        }
      } else {
        const err4 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err4];
        } else {
          vErrors.push(err4);
        }
        errors++;
      }
    }
    if (data.reason !== undefined) {
      if (typeof data.reason !== "string") {
        const err5 = {
          instancePath: instancePath + "/reason",
          schemaPath: "#/properties/reason/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
    }
  } else {
    const err6 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err6];
    } else {
      vErrors.push(err6);
    }
    errors++;
  }
  validate36.errors = vErrors;
  return errors === 0;
}
validate36.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const RunSignal = validate37;
const schema51 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/run-signal.v1.schema.json",
  title: "RunSignal",
  description: "A signal sent to a run from outside (cancel), on <prefix>.run.<runId>.evt.signal.<name>.",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "signal", "at"],
  properties: {
    v: { const: 1 },
    type: { const: "run.signal" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    signal: { enum: ["cancel"] },
    reason: { type: "string" },
    at: { type: "string" },
    by: {
      type: "string",
      description: "Who sent the signal, from the caller's authenticated connection (<account>/<user>, or 'operator').",
    },
  },
};
function validate37(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/run-signal.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate37.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.signal === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "signal" },
        message: "must have required property '" + "signal" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.at === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "at" },
        message: "must have required property '" + "at" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(
        key0 === "v" ||
        key0 === "type" ||
        key0 === "runId" ||
        key0 === "signal" ||
        key0 === "reason" ||
        key0 === "at" ||
        key0 === "by"
      )) {
        const err5 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err6 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("run.signal" !== data.type) {
        const err7 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "run.signal" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err8 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err8];
          } else {
            vErrors.push(err8);
          }
          errors++;
        }
      } else {
        const err9 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.signal !== undefined) {
      if (!(data.signal === "cancel")) {
        const err10 = {
          instancePath: instancePath + "/signal",
          schemaPath: "#/properties/signal/enum",
          keyword: "enum",
          params: { allowedValues: schema51.properties.signal.enum },
          message: "must be equal to one of the allowed values",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.reason !== undefined) {
      if (typeof data.reason !== "string") {
        const err11 = {
          instancePath: instancePath + "/reason",
          schemaPath: "#/properties/reason/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.at !== undefined) {
      if (typeof data.at !== "string") {
        const err12 = {
          instancePath: instancePath + "/at",
          schemaPath: "#/properties/at/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
    if (data.by !== undefined) {
      if (typeof data.by !== "string") {
        const err13 = {
          instancePath: instancePath + "/by",
          schemaPath: "#/properties/by/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
  } else {
    const err14 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err14];
    } else {
      vErrors.push(err14);
    }
    errors++;
  }
  validate37.errors = vErrors;
  return errors === 0;
}
validate37.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const RunStatus = validate38;
function validate38(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/run-status.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate38.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.status === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "status" },
        message: "must have required property '" + "status" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.task === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "task" },
        message: "must have required property '" + "task" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.agent === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "agent" },
        message: "must have required property '" + "agent" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.toolCalls === undefined) {
      const err6 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "toolCalls" },
        message: "must have required property '" + "toolCalls" + "'",
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    if (data.usage === undefined) {
      const err7 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "usage" },
        message: "must have required property '" + "usage" + "'",
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    if (data.errors === undefined) {
      const err8 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "errors" },
        message: "must have required property '" + "errors" + "'",
      };
      if (vErrors === null) {
        vErrors = [err8];
      } else {
        vErrors.push(err8);
      }
      errors++;
    }
    if (data.submittedAt === undefined) {
      const err9 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "submittedAt" },
        message: "must have required property '" + "submittedAt" + "'",
      };
      if (vErrors === null) {
        vErrors = [err9];
      } else {
        vErrors.push(err9);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema39.properties, key0)) {
        const err10 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err11 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data1 = data.runId;
      if (typeof data1 === "string") {
        if (!pattern4.test(data1)) {
          const err12 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      } else {
        const err13 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (data.status !== undefined) {
      let data2 = data.status;
      if (!(
        data2 === "running" ||
        data2 === "awaiting_approval" ||
        data2 === "completed" ||
        data2 === "failed" ||
        data2 === "cancelled"
      )) {
        const err14 = {
          instancePath: instancePath + "/status",
          schemaPath: "#/properties/status/enum",
          keyword: "enum",
          params: { allowedValues: schema39.properties.status.enum },
          message: "must be equal to one of the allowed values",
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
    }
    if (data.task !== undefined) {
      if (typeof data.task !== "string") {
        const err15 = {
          instancePath: instancePath + "/task",
          schemaPath: "#/properties/task/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
    }
    if (data.agent !== undefined) {
      if (typeof data.agent !== "string") {
        const err16 = {
          instancePath: instancePath + "/agent",
          schemaPath: "#/properties/agent/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err16];
        } else {
          vErrors.push(err16);
        }
        errors++;
      }
    }
    if (data.turn !== undefined) {
      let data5 = data.turn;
      if (!(typeof data5 == "number" && !(data5 % 1) && !isNaN(data5) && isFinite(data5))) {
        const err17 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err17];
        } else {
          vErrors.push(err17);
        }
        errors++;
      }
      if (typeof data5 == "number" && isFinite(data5)) {
        if (data5 < 0 || isNaN(data5)) {
          const err18 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err18];
          } else {
            vErrors.push(err18);
          }
          errors++;
        }
      }
    }
    if (data.toolCalls !== undefined) {
      let data6 = data.toolCalls;
      if (!(typeof data6 == "number" && !(data6 % 1) && !isNaN(data6) && isFinite(data6))) {
        const err19 = {
          instancePath: instancePath + "/toolCalls",
          schemaPath: "#/properties/toolCalls/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err19];
        } else {
          vErrors.push(err19);
        }
        errors++;
      }
      if (typeof data6 == "number" && isFinite(data6)) {
        if (data6 < 0 || isNaN(data6)) {
          const err20 = {
            instancePath: instancePath + "/toolCalls",
            schemaPath: "#/properties/toolCalls/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err20];
          } else {
            vErrors.push(err20);
          }
          errors++;
        }
      }
    }
    if (data.waitingFor !== undefined) {
      let data7 = data.waitingFor;
      if (Array.isArray(data7)) {
        const len0 = data7.length;
        for (let i0 = 0; i0 < len0; i0++) {
          if (typeof data7[i0] !== "string") {
            const err21 = {
              instancePath: instancePath + "/waitingFor/" + i0,
              schemaPath: "#/properties/waitingFor/items/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err21];
            } else {
              vErrors.push(err21);
            }
            errors++;
          }
        }
      } else {
        const err22 = {
          instancePath: instancePath + "/waitingFor",
          schemaPath: "#/properties/waitingFor/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err22];
        } else {
          vErrors.push(err22);
        }
        errors++;
      }
    }
    if (data.waitingForRunner !== undefined) {
      let data9 = data.waitingForRunner;
      if (Array.isArray(data9)) {
        const len1 = data9.length;
        for (let i1 = 0; i1 < len1; i1++) {
          if (typeof data9[i1] !== "string") {
            const err23 = {
              instancePath: instancePath + "/waitingForRunner/" + i1,
              schemaPath: "#/properties/waitingForRunner/items/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err23];
            } else {
              vErrors.push(err23);
            }
            errors++;
          }
        }
      } else {
        const err24 = {
          instancePath: instancePath + "/waitingForRunner",
          schemaPath: "#/properties/waitingForRunner/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err24];
        } else {
          vErrors.push(err24);
        }
        errors++;
      }
    }
    if (data.waitingOn !== undefined) {
      let data11 = data.waitingOn;
      if (Array.isArray(data11)) {
        const len2 = data11.length;
        for (let i2 = 0; i2 < len2; i2++) {
          let data12 = data11[i2];
          if (data12 && typeof data12 == "object" && !Array.isArray(data12)) {
            if (data12.kind === undefined) {
              const err25 = {
                instancePath: instancePath + "/waitingOn/" + i2,
                schemaPath: "#/properties/waitingOn/items/required",
                keyword: "required",
                params: { missingProperty: "kind" },
                message: "must have required property '" + "kind" + "'",
              };
              if (vErrors === null) {
                vErrors = [err25];
              } else {
                vErrors.push(err25);
              }
              errors++;
            }
            if (data12.name === undefined) {
              const err26 = {
                instancePath: instancePath + "/waitingOn/" + i2,
                schemaPath: "#/properties/waitingOn/items/required",
                keyword: "required",
                params: { missingProperty: "name" },
                message: "must have required property '" + "name" + "'",
              };
              if (vErrors === null) {
                vErrors = [err26];
              } else {
                vErrors.push(err26);
              }
              errors++;
            }
            for (const key1 in data12) {
              if (!(key1 === "kind" || key1 === "name")) {
                const err27 = {
                  instancePath: instancePath + "/waitingOn/" + i2,
                  schemaPath: "#/properties/waitingOn/items/additionalProperties",
                  keyword: "additionalProperties",
                  params: { additionalProperty: key1 },
                  message: "must NOT have additional properties",
                };
                if (vErrors === null) {
                  vErrors = [err27];
                } else {
                  vErrors.push(err27);
                }
                errors++;
              }
            }
            if (data12.kind !== undefined) {
              let data13 = data12.kind;
              if (!(data13 === "llm" || data13 === "tool")) {
                const err28 = {
                  instancePath: instancePath + "/waitingOn/" + i2 + "/kind",
                  schemaPath: "#/properties/waitingOn/items/properties/kind/enum",
                  keyword: "enum",
                  params: { allowedValues: schema39.properties.waitingOn.items.properties.kind.enum },
                  message: "must be equal to one of the allowed values",
                };
                if (vErrors === null) {
                  vErrors = [err28];
                } else {
                  vErrors.push(err28);
                }
                errors++;
              }
            }
            if (data12.name !== undefined) {
              if (typeof data12.name !== "string") {
                const err29 = {
                  instancePath: instancePath + "/waitingOn/" + i2 + "/name",
                  schemaPath: "#/properties/waitingOn/items/properties/name/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err29];
                } else {
                  vErrors.push(err29);
                }
                errors++;
              }
            }
          } else {
            const err30 = {
              instancePath: instancePath + "/waitingOn/" + i2,
              schemaPath: "#/properties/waitingOn/items/type",
              keyword: "type",
              params: { type: "object" },
              message: "must be object",
            };
            if (vErrors === null) {
              vErrors = [err30];
            } else {
              vErrors.push(err30);
            }
            errors++;
          }
        }
      } else {
        const err31 = {
          instancePath: instancePath + "/waitingOn",
          schemaPath: "#/properties/waitingOn/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err31];
        } else {
          vErrors.push(err31);
        }
        errors++;
      }
    }
    if (data.answer !== undefined) {
      if (typeof data.answer !== "string") {
        const err32 = {
          instancePath: instancePath + "/answer",
          schemaPath: "#/properties/answer/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err32];
        } else {
          vErrors.push(err32);
        }
        errors++;
      }
    }
    if (data.guardPause !== undefined) {
      let data16 = data.guardPause;
      if (data16 && typeof data16 == "object" && !Array.isArray(data16)) {
        if (data16.turn === undefined) {
          const err33 = {
            instancePath: instancePath + "/guardPause",
            schemaPath: "#/properties/guardPause/required",
            keyword: "required",
            params: { missingProperty: "turn" },
            message: "must have required property '" + "turn" + "'",
          };
          if (vErrors === null) {
            vErrors = [err33];
          } else {
            vErrors.push(err33);
          }
          errors++;
        }
        if (data16.point === undefined) {
          const err34 = {
            instancePath: instancePath + "/guardPause",
            schemaPath: "#/properties/guardPause/required",
            keyword: "required",
            params: { missingProperty: "point" },
            message: "must have required property '" + "point" + "'",
          };
          if (vErrors === null) {
            vErrors = [err34];
          } else {
            vErrors.push(err34);
          }
          errors++;
        }
        if (data16.guardrail === undefined) {
          const err35 = {
            instancePath: instancePath + "/guardPause",
            schemaPath: "#/properties/guardPause/required",
            keyword: "required",
            params: { missingProperty: "guardrail" },
            message: "must have required property '" + "guardrail" + "'",
          };
          if (vErrors === null) {
            vErrors = [err35];
          } else {
            vErrors.push(err35);
          }
          errors++;
        }
        if (data16.message === undefined) {
          const err36 = {
            instancePath: instancePath + "/guardPause",
            schemaPath: "#/properties/guardPause/required",
            keyword: "required",
            params: { missingProperty: "message" },
            message: "must have required property '" + "message" + "'",
          };
          if (vErrors === null) {
            vErrors = [err36];
          } else {
            vErrors.push(err36);
          }
          errors++;
        }
        for (const key2 in data16) {
          if (!(key2 === "turn" || key2 === "point" || key2 === "guardrail" || key2 === "message")) {
            const err37 = {
              instancePath: instancePath + "/guardPause",
              schemaPath: "#/properties/guardPause/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key2 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err37];
            } else {
              vErrors.push(err37);
            }
            errors++;
          }
        }
        if (data16.turn !== undefined) {
          let data17 = data16.turn;
          if (!(typeof data17 == "number" && !(data17 % 1) && !isNaN(data17) && isFinite(data17))) {
            const err38 = {
              instancePath: instancePath + "/guardPause/turn",
              schemaPath: "#/properties/guardPause/properties/turn/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err38];
            } else {
              vErrors.push(err38);
            }
            errors++;
          }
        }
        if (data16.point !== undefined) {
          let data18 = data16.point;
          if (!(data18 === "input" || data18 === "output")) {
            const err39 = {
              instancePath: instancePath + "/guardPause/point",
              schemaPath: "#/properties/guardPause/properties/point/enum",
              keyword: "enum",
              params: { allowedValues: schema39.properties.guardPause.properties.point.enum },
              message: "must be equal to one of the allowed values",
            };
            if (vErrors === null) {
              vErrors = [err39];
            } else {
              vErrors.push(err39);
            }
            errors++;
          }
        }
        if (data16.guardrail !== undefined) {
          if (typeof data16.guardrail !== "string") {
            const err40 = {
              instancePath: instancePath + "/guardPause/guardrail",
              schemaPath: "#/properties/guardPause/properties/guardrail/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err40];
            } else {
              vErrors.push(err40);
            }
            errors++;
          }
        }
        if (data16.message !== undefined) {
          if (typeof data16.message !== "string") {
            const err41 = {
              instancePath: instancePath + "/guardPause/message",
              schemaPath: "#/properties/guardPause/properties/message/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err41];
            } else {
              vErrors.push(err41);
            }
            errors++;
          }
        }
      } else {
        const err42 = {
          instancePath: instancePath + "/guardPause",
          schemaPath: "#/properties/guardPause/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err42];
        } else {
          vErrors.push(err42);
        }
        errors++;
      }
    }
    if (data.activeAgent !== undefined) {
      if (typeof data.activeAgent !== "string") {
        const err43 = {
          instancePath: instancePath + "/activeAgent",
          schemaPath: "#/properties/activeAgent/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err43];
        } else {
          vErrors.push(err43);
        }
        errors++;
      }
    }
    if (data.messages !== undefined) {
      let data22 = data.messages;
      if (!(typeof data22 == "number" && !(data22 % 1) && !isNaN(data22) && isFinite(data22))) {
        const err44 = {
          instancePath: instancePath + "/messages",
          schemaPath: "#/properties/messages/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err44];
        } else {
          vErrors.push(err44);
        }
        errors++;
      }
      if (typeof data22 == "number" && isFinite(data22)) {
        if (data22 < 1 || isNaN(data22)) {
          const err45 = {
            instancePath: instancePath + "/messages",
            schemaPath: "#/properties/messages/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err45];
          } else {
            vErrors.push(err45);
          }
          errors++;
        }
      }
    }
    if (data.answeredMessages !== undefined) {
      let data23 = data.answeredMessages;
      if (!(typeof data23 == "number" && !(data23 % 1) && !isNaN(data23) && isFinite(data23))) {
        const err46 = {
          instancePath: instancePath + "/answeredMessages",
          schemaPath: "#/properties/answeredMessages/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err46];
        } else {
          vErrors.push(err46);
        }
        errors++;
      }
      if (typeof data23 == "number" && isFinite(data23)) {
        if (data23 < 0 || isNaN(data23)) {
          const err47 = {
            instancePath: instancePath + "/answeredMessages",
            schemaPath: "#/properties/answeredMessages/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err47];
          } else {
            vErrors.push(err47);
          }
          errors++;
        }
      }
    }
    if (data.awaitingMessage !== undefined) {
      if (true !== data.awaitingMessage) {
        const err48 = {
          instancePath: instancePath + "/awaitingMessage",
          schemaPath: "#/properties/awaitingMessage/const",
          keyword: "const",
          params: { allowedValue: true },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err48];
        } else {
          vErrors.push(err48);
        }
        errors++;
      }
    }
    if (data.output !== undefined) {
      let data25 = data.output;
      const _errs50 = errors;
      let valid9 = false;
      const _errs51 = errors;
      if (!(data25 && typeof data25 == "object" && !Array.isArray(data25))) {
        const err49 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf/0/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err49];
        } else {
          vErrors.push(err49);
        }
        errors++;
      }
      var _valid0 = _errs51 === errors;
      valid9 = valid9 || _valid0;
      const _errs53 = errors;
      if (!Array.isArray(data25)) {
        const err50 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf/1/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err50];
        } else {
          vErrors.push(err50);
        }
        errors++;
      }
      var _valid0 = _errs53 === errors;
      valid9 = valid9 || _valid0;
      const _errs55 = errors;
      if (typeof data25 !== "string") {
        const err51 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf/2/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err51];
        } else {
          vErrors.push(err51);
        }
        errors++;
      }
      var _valid0 = _errs55 === errors;
      valid9 = valid9 || _valid0;
      const _errs57 = errors;
      if (!(typeof data25 == "number" && isFinite(data25))) {
        const err52 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf/3/type",
          keyword: "type",
          params: { type: "number" },
          message: "must be number",
        };
        if (vErrors === null) {
          vErrors = [err52];
        } else {
          vErrors.push(err52);
        }
        errors++;
      }
      var _valid0 = _errs57 === errors;
      valid9 = valid9 || _valid0;
      const _errs59 = errors;
      if (typeof data25 !== "boolean") {
        const err53 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf/4/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err53];
        } else {
          vErrors.push(err53);
        }
        errors++;
      }
      var _valid0 = _errs59 === errors;
      valid9 = valid9 || _valid0;
      const _errs61 = errors;
      if (data25 !== null) {
        const err54 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf/5/type",
          keyword: "type",
          params: { type: "null" },
          message: "must be null",
        };
        if (vErrors === null) {
          vErrors = [err54];
        } else {
          vErrors.push(err54);
        }
        errors++;
      }
      var _valid0 = _errs61 === errors;
      valid9 = valid9 || _valid0;
      if (!valid9) {
        const err55 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/anyOf",
          keyword: "anyOf",
          params: {},
          message: "must match a schema in anyOf",
        };
        if (vErrors === null) {
          vErrors = [err55];
        } else {
          vErrors.push(err55);
        }
        errors++;
      } else {
        errors = _errs50;
        if (vErrors !== null) {
          if (_errs50) {
            vErrors.length = _errs50;
          } else {
            vErrors = null;
          }
        }
      }
    }
    if (data.reason !== undefined) {
      if (typeof data.reason !== "string") {
        const err56 = {
          instancePath: instancePath + "/reason",
          schemaPath: "#/properties/reason/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err56];
        } else {
          vErrors.push(err56);
        }
        errors++;
      }
    }
    if (data.costUsd !== undefined) {
      let data27 = data.costUsd;
      if (typeof data27 == "number" && isFinite(data27)) {
        if (data27 < 0 || isNaN(data27)) {
          const err57 = {
            instancePath: instancePath + "/costUsd",
            schemaPath: "#/properties/costUsd/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err57];
          } else {
            vErrors.push(err57);
          }
          errors++;
        }
      } else {
        const err58 = {
          instancePath: instancePath + "/costUsd",
          schemaPath: "#/properties/costUsd/type",
          keyword: "type",
          params: { type: "number" },
          message: "must be number",
        };
        if (vErrors === null) {
          vErrors = [err58];
        } else {
          vErrors.push(err58);
        }
        errors++;
      }
    }
    if (data.approvals !== undefined) {
      let data28 = data.approvals;
      if (Array.isArray(data28)) {
        const len3 = data28.length;
        for (let i3 = 0; i3 < len3; i3++) {
          let data29 = data28[i3];
          if (data29 && typeof data29 == "object" && !Array.isArray(data29)) {
            if (data29.turn === undefined) {
              const err59 = {
                instancePath: instancePath + "/approvals/" + i3,
                schemaPath: "#/properties/approvals/items/required",
                keyword: "required",
                params: { missingProperty: "turn" },
                message: "must have required property '" + "turn" + "'",
              };
              if (vErrors === null) {
                vErrors = [err59];
              } else {
                vErrors.push(err59);
              }
              errors++;
            }
            if (data29.index === undefined) {
              const err60 = {
                instancePath: instancePath + "/approvals/" + i3,
                schemaPath: "#/properties/approvals/items/required",
                keyword: "required",
                params: { missingProperty: "index" },
                message: "must have required property '" + "index" + "'",
              };
              if (vErrors === null) {
                vErrors = [err60];
              } else {
                vErrors.push(err60);
              }
              errors++;
            }
            if (data29.callId === undefined) {
              const err61 = {
                instancePath: instancePath + "/approvals/" + i3,
                schemaPath: "#/properties/approvals/items/required",
                keyword: "required",
                params: { missingProperty: "callId" },
                message: "must have required property '" + "callId" + "'",
              };
              if (vErrors === null) {
                vErrors = [err61];
              } else {
                vErrors.push(err61);
              }
              errors++;
            }
            if (data29.tool === undefined) {
              const err62 = {
                instancePath: instancePath + "/approvals/" + i3,
                schemaPath: "#/properties/approvals/items/required",
                keyword: "required",
                params: { missingProperty: "tool" },
                message: "must have required property '" + "tool" + "'",
              };
              if (vErrors === null) {
                vErrors = [err62];
              } else {
                vErrors.push(err62);
              }
              errors++;
            }
            if (data29.arguments === undefined) {
              const err63 = {
                instancePath: instancePath + "/approvals/" + i3,
                schemaPath: "#/properties/approvals/items/required",
                keyword: "required",
                params: { missingProperty: "arguments" },
                message: "must have required property '" + "arguments" + "'",
              };
              if (vErrors === null) {
                vErrors = [err63];
              } else {
                vErrors.push(err63);
              }
              errors++;
            }
            for (const key3 in data29) {
              if (!(
                key3 === "turn" ||
                key3 === "index" ||
                key3 === "callId" ||
                key3 === "tool" ||
                key3 === "arguments" ||
                key3 === "argsEditable" ||
                key3 === "reason" ||
                key3 === "ambiguous"
              )) {
                const err64 = {
                  instancePath: instancePath + "/approvals/" + i3,
                  schemaPath: "#/properties/approvals/items/additionalProperties",
                  keyword: "additionalProperties",
                  params: { additionalProperty: key3 },
                  message: "must NOT have additional properties",
                };
                if (vErrors === null) {
                  vErrors = [err64];
                } else {
                  vErrors.push(err64);
                }
                errors++;
              }
            }
            if (data29.turn !== undefined) {
              let data30 = data29.turn;
              if (!(typeof data30 == "number" && !(data30 % 1) && !isNaN(data30) && isFinite(data30))) {
                const err65 = {
                  instancePath: instancePath + "/approvals/" + i3 + "/turn",
                  schemaPath: "#/properties/approvals/items/properties/turn/type",
                  keyword: "type",
                  params: { type: "integer" },
                  message: "must be integer",
                };
                if (vErrors === null) {
                  vErrors = [err65];
                } else {
                  vErrors.push(err65);
                }
                errors++;
              }
            }
            if (data29.index !== undefined) {
              let data31 = data29.index;
              if (!(typeof data31 == "number" && !(data31 % 1) && !isNaN(data31) && isFinite(data31))) {
                const err66 = {
                  instancePath: instancePath + "/approvals/" + i3 + "/index",
                  schemaPath: "#/properties/approvals/items/properties/index/type",
                  keyword: "type",
                  params: { type: "integer" },
                  message: "must be integer",
                };
                if (vErrors === null) {
                  vErrors = [err66];
                } else {
                  vErrors.push(err66);
                }
                errors++;
              }
            }
            if (data29.callId !== undefined) {
              if (typeof data29.callId !== "string") {
                const err67 = {
                  instancePath: instancePath + "/approvals/" + i3 + "/callId",
                  schemaPath: "#/properties/approvals/items/properties/callId/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err67];
                } else {
                  vErrors.push(err67);
                }
                errors++;
              }
            }
            if (data29.tool !== undefined) {
              if (typeof data29.tool !== "string") {
                const err68 = {
                  instancePath: instancePath + "/approvals/" + i3 + "/tool",
                  schemaPath: "#/properties/approvals/items/properties/tool/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err68];
                } else {
                  vErrors.push(err68);
                }
                errors++;
              }
            }
            if (data29.arguments !== undefined) {
              if (typeof data29.arguments !== "string") {
                const err69 = {
                  instancePath: instancePath + "/approvals/" + i3 + "/arguments",
                  schemaPath: "#/properties/approvals/items/properties/arguments/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err69];
                } else {
                  vErrors.push(err69);
                }
                errors++;
              }
            }
            if (data29.argsEditable !== undefined) {
              if (typeof data29.argsEditable !== "boolean") {
                const err70 = {
                  instancePath: instancePath + "/approvals/" + i3 + "/argsEditable",
                  schemaPath: "#/properties/approvals/items/properties/argsEditable/type",
                  keyword: "type",
                  params: { type: "boolean" },
                  message: "must be boolean",
                };
                if (vErrors === null) {
                  vErrors = [err70];
                } else {
                  vErrors.push(err70);
                }
                errors++;
              }
            }
            if (data29.reason !== undefined) {
              if (typeof data29.reason !== "string") {
                const err71 = {
                  instancePath: instancePath + "/approvals/" + i3 + "/reason",
                  schemaPath: "#/properties/approvals/items/properties/reason/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err71];
                } else {
                  vErrors.push(err71);
                }
                errors++;
              }
            }
            if (data29.ambiguous !== undefined) {
              let data37 = data29.ambiguous;
              if (data37 && typeof data37 == "object" && !Array.isArray(data37)) {
                if (data37.round === undefined) {
                  const err72 = {
                    instancePath: instancePath + "/approvals/" + i3 + "/ambiguous",
                    schemaPath: "#/properties/approvals/items/properties/ambiguous/required",
                    keyword: "required",
                    params: { missingProperty: "round" },
                    message: "must have required property '" + "round" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err72];
                  } else {
                    vErrors.push(err72);
                  }
                  errors++;
                }
                if (data37.effect === undefined) {
                  const err73 = {
                    instancePath: instancePath + "/approvals/" + i3 + "/ambiguous",
                    schemaPath: "#/properties/approvals/items/properties/ambiguous/required",
                    keyword: "required",
                    params: { missingProperty: "effect" },
                    message: "must have required property '" + "effect" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err73];
                  } else {
                    vErrors.push(err73);
                  }
                  errors++;
                }
                if (data37.reason === undefined) {
                  const err74 = {
                    instancePath: instancePath + "/approvals/" + i3 + "/ambiguous",
                    schemaPath: "#/properties/approvals/items/properties/ambiguous/required",
                    keyword: "required",
                    params: { missingProperty: "reason" },
                    message: "must have required property '" + "reason" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err74];
                  } else {
                    vErrors.push(err74);
                  }
                  errors++;
                }
                for (const key4 in data37) {
                  if (!(key4 === "round" || key4 === "effect" || key4 === "reason")) {
                    const err75 = {
                      instancePath: instancePath + "/approvals/" + i3 + "/ambiguous",
                      schemaPath: "#/properties/approvals/items/properties/ambiguous/additionalProperties",
                      keyword: "additionalProperties",
                      params: { additionalProperty: key4 },
                      message: "must NOT have additional properties",
                    };
                    if (vErrors === null) {
                      vErrors = [err75];
                    } else {
                      vErrors.push(err75);
                    }
                    errors++;
                  }
                }
                if (data37.round !== undefined) {
                  let data38 = data37.round;
                  if (!(typeof data38 == "number" && !(data38 % 1) && !isNaN(data38) && isFinite(data38))) {
                    const err76 = {
                      instancePath: instancePath + "/approvals/" + i3 + "/ambiguous/round",
                      schemaPath: "#/properties/approvals/items/properties/ambiguous/properties/round/type",
                      keyword: "type",
                      params: { type: "integer" },
                      message: "must be integer",
                    };
                    if (vErrors === null) {
                      vErrors = [err76];
                    } else {
                      vErrors.push(err76);
                    }
                    errors++;
                  }
                  if (typeof data38 == "number" && isFinite(data38)) {
                    if (data38 < 0 || isNaN(data38)) {
                      const err77 = {
                        instancePath: instancePath + "/approvals/" + i3 + "/ambiguous/round",
                        schemaPath: "#/properties/approvals/items/properties/ambiguous/properties/round/minimum",
                        keyword: "minimum",
                        params: { comparison: ">=", limit: 0 },
                        message: "must be >= 0",
                      };
                      if (vErrors === null) {
                        vErrors = [err77];
                      } else {
                        vErrors.push(err77);
                      }
                      errors++;
                    }
                  }
                }
                if (data37.effect !== undefined) {
                  let data39 = data37.effect;
                  if (!(data39 === "reconcile" || data39 === "irreversible")) {
                    const err78 = {
                      instancePath: instancePath + "/approvals/" + i3 + "/ambiguous/effect",
                      schemaPath: "#/properties/approvals/items/properties/ambiguous/properties/effect/enum",
                      keyword: "enum",
                      params: {
                        allowedValues: schema39.properties.approvals.items.properties.ambiguous.properties.effect.enum,
                      },
                      message: "must be equal to one of the allowed values",
                    };
                    if (vErrors === null) {
                      vErrors = [err78];
                    } else {
                      vErrors.push(err78);
                    }
                    errors++;
                  }
                }
                if (data37.reason !== undefined) {
                  if (typeof data37.reason !== "string") {
                    const err79 = {
                      instancePath: instancePath + "/approvals/" + i3 + "/ambiguous/reason",
                      schemaPath: "#/properties/approvals/items/properties/ambiguous/properties/reason/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err79];
                    } else {
                      vErrors.push(err79);
                    }
                    errors++;
                  }
                }
              } else {
                const err80 = {
                  instancePath: instancePath + "/approvals/" + i3 + "/ambiguous",
                  schemaPath: "#/properties/approvals/items/properties/ambiguous/type",
                  keyword: "type",
                  params: { type: "object" },
                  message: "must be object",
                };
                if (vErrors === null) {
                  vErrors = [err80];
                } else {
                  vErrors.push(err80);
                }
                errors++;
              }
            }
          } else {
            const err81 = {
              instancePath: instancePath + "/approvals/" + i3,
              schemaPath: "#/properties/approvals/items/type",
              keyword: "type",
              params: { type: "object" },
              message: "must be object",
            };
            if (vErrors === null) {
              vErrors = [err81];
            } else {
              vErrors.push(err81);
            }
            errors++;
          }
        }
      } else {
        const err82 = {
          instancePath: instancePath + "/approvals",
          schemaPath: "#/properties/approvals/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err82];
        } else {
          vErrors.push(err82);
        }
        errors++;
      }
    }
    if (data.budgetPause !== undefined) {
      let data41 = data.budgetPause;
      if (data41 && typeof data41 == "object" && !Array.isArray(data41)) {
        if (data41.turn === undefined) {
          const err83 = {
            instancePath: instancePath + "/budgetPause",
            schemaPath: "#/properties/budgetPause/required",
            keyword: "required",
            params: { missingProperty: "turn" },
            message: "must have required property '" + "turn" + "'",
          };
          if (vErrors === null) {
            vErrors = [err83];
          } else {
            vErrors.push(err83);
          }
          errors++;
        }
        if (data41.kind === undefined) {
          const err84 = {
            instancePath: instancePath + "/budgetPause",
            schemaPath: "#/properties/budgetPause/required",
            keyword: "required",
            params: { missingProperty: "kind" },
            message: "must have required property '" + "kind" + "'",
          };
          if (vErrors === null) {
            vErrors = [err84];
          } else {
            vErrors.push(err84);
          }
          errors++;
        }
        if (data41.message === undefined) {
          const err85 = {
            instancePath: instancePath + "/budgetPause",
            schemaPath: "#/properties/budgetPause/required",
            keyword: "required",
            params: { missingProperty: "message" },
            message: "must have required property '" + "message" + "'",
          };
          if (vErrors === null) {
            vErrors = [err85];
          } else {
            vErrors.push(err85);
          }
          errors++;
        }
        for (const key5 in data41) {
          if (!(key5 === "turn" || key5 === "kind" || key5 === "message")) {
            const err86 = {
              instancePath: instancePath + "/budgetPause",
              schemaPath: "#/properties/budgetPause/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key5 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err86];
            } else {
              vErrors.push(err86);
            }
            errors++;
          }
        }
        if (data41.turn !== undefined) {
          let data42 = data41.turn;
          if (!(typeof data42 == "number" && !(data42 % 1) && !isNaN(data42) && isFinite(data42))) {
            const err87 = {
              instancePath: instancePath + "/budgetPause/turn",
              schemaPath: "#/properties/budgetPause/properties/turn/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err87];
            } else {
              vErrors.push(err87);
            }
            errors++;
          }
        }
        if (data41.kind !== undefined) {
          if (typeof data41.kind !== "string") {
            const err88 = {
              instancePath: instancePath + "/budgetPause/kind",
              schemaPath: "#/properties/budgetPause/properties/kind/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err88];
            } else {
              vErrors.push(err88);
            }
            errors++;
          }
        }
        if (data41.message !== undefined) {
          if (typeof data41.message !== "string") {
            const err89 = {
              instancePath: instancePath + "/budgetPause/message",
              schemaPath: "#/properties/budgetPause/properties/message/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err89];
            } else {
              vErrors.push(err89);
            }
            errors++;
          }
        }
      } else {
        const err90 = {
          instancePath: instancePath + "/budgetPause",
          schemaPath: "#/properties/budgetPause/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err90];
        } else {
          vErrors.push(err90);
        }
        errors++;
      }
    }
    if (data.loopPause !== undefined) {
      let data45 = data.loopPause;
      if (data45 && typeof data45 == "object" && !Array.isArray(data45)) {
        if (data45.turn === undefined) {
          const err91 = {
            instancePath: instancePath + "/loopPause",
            schemaPath: "#/properties/loopPause/required",
            keyword: "required",
            params: { missingProperty: "turn" },
            message: "must have required property '" + "turn" + "'",
          };
          if (vErrors === null) {
            vErrors = [err91];
          } else {
            vErrors.push(err91);
          }
          errors++;
        }
        if (data45.pattern === undefined) {
          const err92 = {
            instancePath: instancePath + "/loopPause",
            schemaPath: "#/properties/loopPause/required",
            keyword: "required",
            params: { missingProperty: "pattern" },
            message: "must have required property '" + "pattern" + "'",
          };
          if (vErrors === null) {
            vErrors = [err92];
          } else {
            vErrors.push(err92);
          }
          errors++;
        }
        if (data45.count === undefined) {
          const err93 = {
            instancePath: instancePath + "/loopPause",
            schemaPath: "#/properties/loopPause/required",
            keyword: "required",
            params: { missingProperty: "count" },
            message: "must have required property '" + "count" + "'",
          };
          if (vErrors === null) {
            vErrors = [err93];
          } else {
            vErrors.push(err93);
          }
          errors++;
        }
        if (data45.sinceTurn === undefined) {
          const err94 = {
            instancePath: instancePath + "/loopPause",
            schemaPath: "#/properties/loopPause/required",
            keyword: "required",
            params: { missingProperty: "sinceTurn" },
            message: "must have required property '" + "sinceTurn" + "'",
          };
          if (vErrors === null) {
            vErrors = [err94];
          } else {
            vErrors.push(err94);
          }
          errors++;
        }
        if (data45.message === undefined) {
          const err95 = {
            instancePath: instancePath + "/loopPause",
            schemaPath: "#/properties/loopPause/required",
            keyword: "required",
            params: { missingProperty: "message" },
            message: "must have required property '" + "message" + "'",
          };
          if (vErrors === null) {
            vErrors = [err95];
          } else {
            vErrors.push(err95);
          }
          errors++;
        }
        for (const key6 in data45) {
          if (!(
            key6 === "turn" ||
            key6 === "pattern" ||
            key6 === "tool" ||
            key6 === "arguments" ||
            key6 === "count" ||
            key6 === "sinceTurn" ||
            key6 === "message"
          )) {
            const err96 = {
              instancePath: instancePath + "/loopPause",
              schemaPath: "#/properties/loopPause/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key6 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err96];
            } else {
              vErrors.push(err96);
            }
            errors++;
          }
        }
        if (data45.turn !== undefined) {
          let data46 = data45.turn;
          if (!(typeof data46 == "number" && !(data46 % 1) && !isNaN(data46) && isFinite(data46))) {
            const err97 = {
              instancePath: instancePath + "/loopPause/turn",
              schemaPath: "#/properties/loopPause/properties/turn/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err97];
            } else {
              vErrors.push(err97);
            }
            errors++;
          }
        }
        if (data45.pattern !== undefined) {
          let data47 = data45.pattern;
          if (!(data47 === "same_call" || data47 === "idle_turns")) {
            const err98 = {
              instancePath: instancePath + "/loopPause/pattern",
              schemaPath: "#/properties/loopPause/properties/pattern/enum",
              keyword: "enum",
              params: { allowedValues: schema39.properties.loopPause.properties.pattern.enum },
              message: "must be equal to one of the allowed values",
            };
            if (vErrors === null) {
              vErrors = [err98];
            } else {
              vErrors.push(err98);
            }
            errors++;
          }
        }
        if (data45.tool !== undefined) {
          if (typeof data45.tool !== "string") {
            const err99 = {
              instancePath: instancePath + "/loopPause/tool",
              schemaPath: "#/properties/loopPause/properties/tool/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err99];
            } else {
              vErrors.push(err99);
            }
            errors++;
          }
        }
        if (data45.arguments !== undefined) {
          if (typeof data45.arguments !== "string") {
            const err100 = {
              instancePath: instancePath + "/loopPause/arguments",
              schemaPath: "#/properties/loopPause/properties/arguments/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err100];
            } else {
              vErrors.push(err100);
            }
            errors++;
          }
        }
        if (data45.count !== undefined) {
          let data50 = data45.count;
          if (!(typeof data50 == "number" && !(data50 % 1) && !isNaN(data50) && isFinite(data50))) {
            const err101 = {
              instancePath: instancePath + "/loopPause/count",
              schemaPath: "#/properties/loopPause/properties/count/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err101];
            } else {
              vErrors.push(err101);
            }
            errors++;
          }
        }
        if (data45.sinceTurn !== undefined) {
          let data51 = data45.sinceTurn;
          if (!(typeof data51 == "number" && !(data51 % 1) && !isNaN(data51) && isFinite(data51))) {
            const err102 = {
              instancePath: instancePath + "/loopPause/sinceTurn",
              schemaPath: "#/properties/loopPause/properties/sinceTurn/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err102];
            } else {
              vErrors.push(err102);
            }
            errors++;
          }
        }
        if (data45.message !== undefined) {
          if (typeof data45.message !== "string") {
            const err103 = {
              instancePath: instancePath + "/loopPause/message",
              schemaPath: "#/properties/loopPause/properties/message/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err103];
            } else {
              vErrors.push(err103);
            }
            errors++;
          }
        }
      } else {
        const err104 = {
          instancePath: instancePath + "/loopPause",
          schemaPath: "#/properties/loopPause/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err104];
        } else {
          vErrors.push(err104);
        }
        errors++;
      }
    }
    if (data.usage !== undefined) {
      let data53 = data.usage;
      if (data53 && typeof data53 == "object" && !Array.isArray(data53)) {
        if (data53.inputTokens === undefined) {
          const err105 = {
            instancePath: instancePath + "/usage",
            schemaPath: "#/properties/usage/required",
            keyword: "required",
            params: { missingProperty: "inputTokens" },
            message: "must have required property '" + "inputTokens" + "'",
          };
          if (vErrors === null) {
            vErrors = [err105];
          } else {
            vErrors.push(err105);
          }
          errors++;
        }
        if (data53.outputTokens === undefined) {
          const err106 = {
            instancePath: instancePath + "/usage",
            schemaPath: "#/properties/usage/required",
            keyword: "required",
            params: { missingProperty: "outputTokens" },
            message: "must have required property '" + "outputTokens" + "'",
          };
          if (vErrors === null) {
            vErrors = [err106];
          } else {
            vErrors.push(err106);
          }
          errors++;
        }
        for (const key7 in data53) {
          if (!(key7 === "inputTokens" || key7 === "outputTokens")) {
            const err107 = {
              instancePath: instancePath + "/usage",
              schemaPath: "#/properties/usage/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key7 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err107];
            } else {
              vErrors.push(err107);
            }
            errors++;
          }
        }
        if (data53.inputTokens !== undefined) {
          let data54 = data53.inputTokens;
          if (!(typeof data54 == "number" && !(data54 % 1) && !isNaN(data54) && isFinite(data54))) {
            const err108 = {
              instancePath: instancePath + "/usage/inputTokens",
              schemaPath: "#/properties/usage/properties/inputTokens/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err108];
            } else {
              vErrors.push(err108);
            }
            errors++;
          }
          if (typeof data54 == "number" && isFinite(data54)) {
            if (data54 < 0 || isNaN(data54)) {
              const err109 = {
                instancePath: instancePath + "/usage/inputTokens",
                schemaPath: "#/properties/usage/properties/inputTokens/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err109];
              } else {
                vErrors.push(err109);
              }
              errors++;
            }
          }
        }
        if (data53.outputTokens !== undefined) {
          let data55 = data53.outputTokens;
          if (!(typeof data55 == "number" && !(data55 % 1) && !isNaN(data55) && isFinite(data55))) {
            const err110 = {
              instancePath: instancePath + "/usage/outputTokens",
              schemaPath: "#/properties/usage/properties/outputTokens/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err110];
            } else {
              vErrors.push(err110);
            }
            errors++;
          }
          if (typeof data55 == "number" && isFinite(data55)) {
            if (data55 < 0 || isNaN(data55)) {
              const err111 = {
                instancePath: instancePath + "/usage/outputTokens",
                schemaPath: "#/properties/usage/properties/outputTokens/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err111];
              } else {
                vErrors.push(err111);
              }
              errors++;
            }
          }
        }
      } else {
        const err112 = {
          instancePath: instancePath + "/usage",
          schemaPath: "#/properties/usage/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err112];
        } else {
          vErrors.push(err112);
        }
        errors++;
      }
    }
    if (data.retries !== undefined) {
      let data56 = data.retries;
      if (!(typeof data56 == "number" && !(data56 % 1) && !isNaN(data56) && isFinite(data56))) {
        const err113 = {
          instancePath: instancePath + "/retries",
          schemaPath: "#/properties/retries/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err113];
        } else {
          vErrors.push(err113);
        }
        errors++;
      }
      if (typeof data56 == "number" && isFinite(data56)) {
        if (data56 < 1 || isNaN(data56)) {
          const err114 = {
            instancePath: instancePath + "/retries",
            schemaPath: "#/properties/retries/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err114];
          } else {
            vErrors.push(err114);
          }
          errors++;
        }
      }
    }
    if (data.errors !== undefined) {
      let data57 = data.errors;
      if (!(typeof data57 == "number" && !(data57 % 1) && !isNaN(data57) && isFinite(data57))) {
        const err115 = {
          instancePath: instancePath + "/errors",
          schemaPath: "#/properties/errors/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err115];
        } else {
          vErrors.push(err115);
        }
        errors++;
      }
      if (typeof data57 == "number" && isFinite(data57)) {
        if (data57 < 0 || isNaN(data57)) {
          const err116 = {
            instancePath: instancePath + "/errors",
            schemaPath: "#/properties/errors/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err116];
          } else {
            vErrors.push(err116);
          }
          errors++;
        }
      }
    }
    if (data.submittedAt !== undefined) {
      if (typeof data.submittedAt !== "string") {
        const err117 = {
          instancePath: instancePath + "/submittedAt",
          schemaPath: "#/properties/submittedAt/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err117];
        } else {
          vErrors.push(err117);
        }
        errors++;
      }
    }
    if (data.endedAt !== undefined) {
      if (typeof data.endedAt !== "string") {
        const err118 = {
          instancePath: instancePath + "/endedAt",
          schemaPath: "#/properties/endedAt/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err118];
        } else {
          vErrors.push(err118);
        }
        errors++;
      }
    }
    if (data.lastSeq !== undefined) {
      let data60 = data.lastSeq;
      if (!(typeof data60 == "number" && !(data60 % 1) && !isNaN(data60) && isFinite(data60))) {
        const err119 = {
          instancePath: instancePath + "/lastSeq",
          schemaPath: "#/properties/lastSeq/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err119];
        } else {
          vErrors.push(err119);
        }
        errors++;
      }
      if (typeof data60 == "number" && isFinite(data60)) {
        if (data60 < 0 || isNaN(data60)) {
          const err120 = {
            instancePath: instancePath + "/lastSeq",
            schemaPath: "#/properties/lastSeq/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err120];
          } else {
            vErrors.push(err120);
          }
          errors++;
        }
      }
    }
    if (data.traceId !== undefined) {
      let data61 = data.traceId;
      if (typeof data61 === "string") {
        if (!pattern15.test(data61)) {
          const err121 = {
            instancePath: instancePath + "/traceId",
            schemaPath: "#/properties/traceId/pattern",
            keyword: "pattern",
            params: { pattern: "^[0-9a-f]{32}$" },
            message: 'must match pattern "' + "^[0-9a-f]{32}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err121];
          } else {
            vErrors.push(err121);
          }
          errors++;
        }
      } else {
        const err122 = {
          instancePath: instancePath + "/traceId",
          schemaPath: "#/properties/traceId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err122];
        } else {
          vErrors.push(err122);
        }
        errors++;
      }
    }
    if (data.purgedAt !== undefined) {
      if (typeof data.purgedAt !== "string") {
        const err123 = {
          instancePath: instancePath + "/purgedAt",
          schemaPath: "#/properties/purgedAt/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err123];
        } else {
          vErrors.push(err123);
        }
        errors++;
      }
    }
    if (data.tenant !== undefined) {
      let data63 = data.tenant;
      if (typeof data63 === "string") {
        if (!pattern4.test(data63)) {
          const err124 = {
            instancePath: instancePath + "/tenant",
            schemaPath: "#/properties/tenant/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err124];
          } else {
            vErrors.push(err124);
          }
          errors++;
        }
      } else {
        const err125 = {
          instancePath: instancePath + "/tenant",
          schemaPath: "#/properties/tenant/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err125];
        } else {
          vErrors.push(err125);
        }
        errors++;
      }
    }
    if (data.metadata !== undefined) {
      let data64 = data.metadata;
      if (data64 && typeof data64 == "object" && !Array.isArray(data64)) {
        for (const key8 in data64) {
          if (typeof data64[key8] !== "string") {
            const err126 = {
              instancePath: instancePath + "/metadata/" + key8.replace(/~/g, "~0").replace(/\//g, "~1"),
              schemaPath: "#/properties/metadata/additionalProperties/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err126];
            } else {
              vErrors.push(err126);
            }
            errors++;
          }
        }
      } else {
        const err127 = {
          instancePath: instancePath + "/metadata",
          schemaPath: "#/properties/metadata/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err127];
        } else {
          vErrors.push(err127);
        }
        errors++;
      }
    }
    if (data.archivedAt !== undefined) {
      if (typeof data.archivedAt !== "string") {
        const err128 = {
          instancePath: instancePath + "/archivedAt",
          schemaPath: "#/properties/archivedAt/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err128];
        } else {
          vErrors.push(err128);
        }
        errors++;
      }
    }
    if (data.archive !== undefined) {
      let data67 = data.archive;
      if (data67 && typeof data67 == "object" && !Array.isArray(data67)) {
        if (data67.seqs === undefined) {
          const err129 = {
            instancePath: instancePath + "/archive",
            schemaPath: "#/properties/archive/required",
            keyword: "required",
            params: { missingProperty: "seqs" },
            message: "must have required property '" + "seqs" + "'",
          };
          if (vErrors === null) {
            vErrors = [err129];
          } else {
            vErrors.push(err129);
          }
          errors++;
        }
        if (data67.sha256 === undefined) {
          const err130 = {
            instancePath: instancePath + "/archive",
            schemaPath: "#/properties/archive/required",
            keyword: "required",
            params: { missingProperty: "sha256" },
            message: "must have required property '" + "sha256" + "'",
          };
          if (vErrors === null) {
            vErrors = [err130];
          } else {
            vErrors.push(err130);
          }
          errors++;
        }
        if (data67.bytes === undefined) {
          const err131 = {
            instancePath: instancePath + "/archive",
            schemaPath: "#/properties/archive/required",
            keyword: "required",
            params: { missingProperty: "bytes" },
            message: "must have required property '" + "bytes" + "'",
          };
          if (vErrors === null) {
            vErrors = [err131];
          } else {
            vErrors.push(err131);
          }
          errors++;
        }
        if (data67.messages === undefined) {
          const err132 = {
            instancePath: instancePath + "/archive",
            schemaPath: "#/properties/archive/required",
            keyword: "required",
            params: { missingProperty: "messages" },
            message: "must have required property '" + "messages" + "'",
          };
          if (vErrors === null) {
            vErrors = [err132];
          } else {
            vErrors.push(err132);
          }
          errors++;
        }
        for (const key9 in data67) {
          if (!(
            key9 === "seqs" ||
            key9 === "sha256" ||
            key9 === "bytes" ||
            key9 === "guardPause" ||
            key9 === "activeAgent" ||
            key9 === "messages"
          )) {
            const err133 = {
              instancePath: instancePath + "/archive",
              schemaPath: "#/properties/archive/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key9 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err133];
            } else {
              vErrors.push(err133);
            }
            errors++;
          }
        }
        if (data67.seqs !== undefined) {
          let data68 = data67.seqs;
          if (Array.isArray(data68)) {
            if (data68.length < 1) {
              const err134 = {
                instancePath: instancePath + "/archive/seqs",
                schemaPath: "#/properties/archive/properties/seqs/minItems",
                keyword: "minItems",
                params: { limit: 1 },
                message: "must NOT have fewer than 1 items",
              };
              if (vErrors === null) {
                vErrors = [err134];
              } else {
                vErrors.push(err134);
              }
              errors++;
            }
            const len4 = data68.length;
            for (let i4 = 0; i4 < len4; i4++) {
              let data69 = data68[i4];
              if (!(typeof data69 == "number" && !(data69 % 1) && !isNaN(data69) && isFinite(data69))) {
                const err135 = {
                  instancePath: instancePath + "/archive/seqs/" + i4,
                  schemaPath: "#/properties/archive/properties/seqs/items/type",
                  keyword: "type",
                  params: { type: "integer" },
                  message: "must be integer",
                };
                if (vErrors === null) {
                  vErrors = [err135];
                } else {
                  vErrors.push(err135);
                }
                errors++;
              }
              if (typeof data69 == "number" && isFinite(data69)) {
                if (data69 < 1 || isNaN(data69)) {
                  const err136 = {
                    instancePath: instancePath + "/archive/seqs/" + i4,
                    schemaPath: "#/properties/archive/properties/seqs/items/minimum",
                    keyword: "minimum",
                    params: { comparison: ">=", limit: 1 },
                    message: "must be >= 1",
                  };
                  if (vErrors === null) {
                    vErrors = [err136];
                  } else {
                    vErrors.push(err136);
                  }
                  errors++;
                }
              }
            }
          } else {
            const err137 = {
              instancePath: instancePath + "/archive/seqs",
              schemaPath: "#/properties/archive/properties/seqs/type",
              keyword: "type",
              params: { type: "array" },
              message: "must be array",
            };
            if (vErrors === null) {
              vErrors = [err137];
            } else {
              vErrors.push(err137);
            }
            errors++;
          }
        }
        if (data67.sha256 !== undefined) {
          let data70 = data67.sha256;
          if (typeof data70 === "string") {
            if (!pattern17.test(data70)) {
              const err138 = {
                instancePath: instancePath + "/archive/sha256",
                schemaPath: "#/properties/archive/properties/sha256/pattern",
                keyword: "pattern",
                params: { pattern: "^[0-9a-f]{64}$" },
                message: 'must match pattern "' + "^[0-9a-f]{64}$" + '"',
              };
              if (vErrors === null) {
                vErrors = [err138];
              } else {
                vErrors.push(err138);
              }
              errors++;
            }
          } else {
            const err139 = {
              instancePath: instancePath + "/archive/sha256",
              schemaPath: "#/properties/archive/properties/sha256/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err139];
            } else {
              vErrors.push(err139);
            }
            errors++;
          }
        }
        if (data67.bytes !== undefined) {
          let data71 = data67.bytes;
          if (!(typeof data71 == "number" && !(data71 % 1) && !isNaN(data71) && isFinite(data71))) {
            const err140 = {
              instancePath: instancePath + "/archive/bytes",
              schemaPath: "#/properties/archive/properties/bytes/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err140];
            } else {
              vErrors.push(err140);
            }
            errors++;
          }
          if (typeof data71 == "number" && isFinite(data71)) {
            if (data71 < 0 || isNaN(data71)) {
              const err141 = {
                instancePath: instancePath + "/archive/bytes",
                schemaPath: "#/properties/archive/properties/bytes/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err141];
              } else {
                vErrors.push(err141);
              }
              errors++;
            }
          }
        }
        if (data67.guardPause !== undefined) {
          let data72 = data67.guardPause;
          if (data72 && typeof data72 == "object" && !Array.isArray(data72)) {
            if (data72.turn === undefined) {
              const err142 = {
                instancePath: instancePath + "/archive/guardPause",
                schemaPath: "#/properties/archive/properties/guardPause/required",
                keyword: "required",
                params: { missingProperty: "turn" },
                message: "must have required property '" + "turn" + "'",
              };
              if (vErrors === null) {
                vErrors = [err142];
              } else {
                vErrors.push(err142);
              }
              errors++;
            }
            if (data72.point === undefined) {
              const err143 = {
                instancePath: instancePath + "/archive/guardPause",
                schemaPath: "#/properties/archive/properties/guardPause/required",
                keyword: "required",
                params: { missingProperty: "point" },
                message: "must have required property '" + "point" + "'",
              };
              if (vErrors === null) {
                vErrors = [err143];
              } else {
                vErrors.push(err143);
              }
              errors++;
            }
            if (data72.guardrail === undefined) {
              const err144 = {
                instancePath: instancePath + "/archive/guardPause",
                schemaPath: "#/properties/archive/properties/guardPause/required",
                keyword: "required",
                params: { missingProperty: "guardrail" },
                message: "must have required property '" + "guardrail" + "'",
              };
              if (vErrors === null) {
                vErrors = [err144];
              } else {
                vErrors.push(err144);
              }
              errors++;
            }
            if (data72.message === undefined) {
              const err145 = {
                instancePath: instancePath + "/archive/guardPause",
                schemaPath: "#/properties/archive/properties/guardPause/required",
                keyword: "required",
                params: { missingProperty: "message" },
                message: "must have required property '" + "message" + "'",
              };
              if (vErrors === null) {
                vErrors = [err145];
              } else {
                vErrors.push(err145);
              }
              errors++;
            }
            for (const key10 in data72) {
              if (!(key10 === "turn" || key10 === "point" || key10 === "guardrail" || key10 === "message")) {
                const err146 = {
                  instancePath: instancePath + "/archive/guardPause",
                  schemaPath: "#/properties/archive/properties/guardPause/additionalProperties",
                  keyword: "additionalProperties",
                  params: { additionalProperty: key10 },
                  message: "must NOT have additional properties",
                };
                if (vErrors === null) {
                  vErrors = [err146];
                } else {
                  vErrors.push(err146);
                }
                errors++;
              }
            }
            if (data72.turn !== undefined) {
              let data73 = data72.turn;
              if (!(typeof data73 == "number" && !(data73 % 1) && !isNaN(data73) && isFinite(data73))) {
                const err147 = {
                  instancePath: instancePath + "/archive/guardPause/turn",
                  schemaPath: "#/properties/archive/properties/guardPause/properties/turn/type",
                  keyword: "type",
                  params: { type: "integer" },
                  message: "must be integer",
                };
                if (vErrors === null) {
                  vErrors = [err147];
                } else {
                  vErrors.push(err147);
                }
                errors++;
              }
            }
            if (data72.point !== undefined) {
              let data74 = data72.point;
              if (!(data74 === "input" || data74 === "output")) {
                const err148 = {
                  instancePath: instancePath + "/archive/guardPause/point",
                  schemaPath: "#/properties/archive/properties/guardPause/properties/point/enum",
                  keyword: "enum",
                  params: { allowedValues: schema39.properties.archive.properties.guardPause.properties.point.enum },
                  message: "must be equal to one of the allowed values",
                };
                if (vErrors === null) {
                  vErrors = [err148];
                } else {
                  vErrors.push(err148);
                }
                errors++;
              }
            }
            if (data72.guardrail !== undefined) {
              if (typeof data72.guardrail !== "string") {
                const err149 = {
                  instancePath: instancePath + "/archive/guardPause/guardrail",
                  schemaPath: "#/properties/archive/properties/guardPause/properties/guardrail/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err149];
                } else {
                  vErrors.push(err149);
                }
                errors++;
              }
            }
            if (data72.message !== undefined) {
              if (typeof data72.message !== "string") {
                const err150 = {
                  instancePath: instancePath + "/archive/guardPause/message",
                  schemaPath: "#/properties/archive/properties/guardPause/properties/message/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err150];
                } else {
                  vErrors.push(err150);
                }
                errors++;
              }
            }
          } else {
            const err151 = {
              instancePath: instancePath + "/archive/guardPause",
              schemaPath: "#/properties/archive/properties/guardPause/type",
              keyword: "type",
              params: { type: "object" },
              message: "must be object",
            };
            if (vErrors === null) {
              vErrors = [err151];
            } else {
              vErrors.push(err151);
            }
            errors++;
          }
        }
        if (data67.activeAgent !== undefined) {
          if (typeof data67.activeAgent !== "string") {
            const err152 = {
              instancePath: instancePath + "/archive/activeAgent",
              schemaPath: "#/properties/archive/properties/activeAgent/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err152];
            } else {
              vErrors.push(err152);
            }
            errors++;
          }
        }
        if (data67.messages !== undefined) {
          let data78 = data67.messages;
          if (!(typeof data78 == "number" && !(data78 % 1) && !isNaN(data78) && isFinite(data78))) {
            const err153 = {
              instancePath: instancePath + "/archive/messages",
              schemaPath: "#/properties/archive/properties/messages/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err153];
            } else {
              vErrors.push(err153);
            }
            errors++;
          }
          if (typeof data78 == "number" && isFinite(data78)) {
            if (data78 < 0 || isNaN(data78)) {
              const err154 = {
                instancePath: instancePath + "/archive/messages",
                schemaPath: "#/properties/archive/properties/messages/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err154];
              } else {
                vErrors.push(err154);
              }
              errors++;
            }
          }
        }
      } else {
        const err155 = {
          instancePath: instancePath + "/archive",
          schemaPath: "#/properties/archive/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err155];
        } else {
          vErrors.push(err155);
        }
        errors++;
      }
    }
  } else {
    const err156 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err156];
    } else {
      vErrors.push(err156);
    }
    errors++;
  }
  validate38.errors = vErrors;
  return errors === 0;
}
validate38.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const RunSubmitted = validate39;
const schema53 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/run-submitted.v1.schema.json",
  title: "RunSubmitted",
  description: "First event of every run, on <prefix>.run.<runId>.evt.submitted.",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "task", "agent", "submittedAt"],
  properties: {
    v: { const: 1 },
    type: { const: "run.submitted" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    task: { type: "string", minLength: 1 },
    agent: { $ref: "https://cairn.dev/schemas/agent-spec.v1.schema.json" },
    images: {
      type: "array",
      maxItems: 8,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["url"],
        properties: {
          url: { type: "string", pattern: "^https?://", maxLength: 2048 },
          mediaType: { type: "string", pattern: "^image/[a-z0-9.+-]+$" },
        },
      },
      description: "Images the model sees with the task (from the submission).",
    },
    team: {
      type: "array",
      items: { $ref: "https://cairn.dev/schemas/agent-spec.v1.schema.json" },
      description:
        "The agents the run may be handed to (agent `handoffs`, followed from agent to agent), snapshotted at submission like `agent`: a handoff names one of these.",
    },
    idempotencyKey: { type: "string" },
    submittedAt: { type: "string" },
    parent: {
      type: "object",
      additionalProperties: false,
      required: ["runId", "turn", "index", "callId"],
      properties: {
        runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
        turn: { type: "integer", minimum: 1 },
        index: { type: "integer", minimum: 0 },
        callId: { type: "string" },
      },
      description:
        "Set on a sub-agent run by the planner (never by an API caller): the parent run and the run_agent call that waits for this run's outcome, verified against the parent's log (<prefix>.api.spawn).",
    },
    metadata: { type: "object", additionalProperties: { type: "string" } },
    trace: {
      type: "object",
      additionalProperties: { type: "string" },
      description:
        "W3C trace context of the run's root span (traceparent, tracestate), fixed at submission so every step of the run, in any process and after any crash, joins one trace; parent-traceparent is the submitter's span, the root span's parent. Without tracing in the planner: the submitter's trace context as given.",
    },
    forkedFrom: {
      type: "object",
      description:
        "Set on a fork (cairn fork): the run and step its history was copied from. The copied results precede this submission in the fork's log; `prefix` names each of them, and only those are folded (any other message written to the run before its submission is rejected).",
      additionalProperties: false,
      required: ["runId", "step", "seq"],
      properties: {
        runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
        step: {
          type: "integer",
          minimum: 0,
          description: "Last step of the source copied into the fork (0 = the submission only).",
        },
        seq: { type: "integer", minimum: 1, description: "Stream sequence of that step's event in the source run." },
        editedCalls: {
          type: "array",
          items: { type: "string" },
          description: "Tool call ids whose results were replaced (cairn fork --set-result).",
        },
        prefix: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["subject", "sha256"],
            properties: { subject: { type: "string" }, sha256: { type: "string", pattern: "^[0-9a-f]{64}$" } },
          },
          description:
            "Every message the fork copied before this submission: its subject and the sha256 (hex) of its bytes. Absent on forks recorded before it existed (then every message before the submission is taken as copied).",
        },
      },
    },
    tenant: {
      type: "string",
      pattern: "^[A-Za-z0-9_-]{1,64}$",
      description:
        "The tenant (NATS account) the run belongs to, from the submitter's authenticated connection; absent for runs of the deployment's own account (operators, cairn dev).",
    },
    submittedBy: {
      type: "string",
      description:
        "Who submitted the run: <account>/<user> from the submitter's authenticated connection, or 'operator' for the deployment's own account.",
    },
  },
};
const pattern34 = new RegExp("^https?://", "u");
const pattern35 = new RegExp("^image/[a-z0-9.+-]+$", "u");
function validate39(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/run-submitted.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate39.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.task === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "task" },
        message: "must have required property '" + "task" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.agent === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "agent" },
        message: "must have required property '" + "agent" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.submittedAt === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "submittedAt" },
        message: "must have required property '" + "submittedAt" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema53.properties, key0)) {
        const err6 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err7 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("run.submitted" !== data.type) {
        const err8 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "run.submitted" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err9 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err9];
          } else {
            vErrors.push(err9);
          }
          errors++;
        }
      } else {
        const err10 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.task !== undefined) {
      let data3 = data.task;
      if (typeof data3 === "string") {
        if (func2(data3) < 1) {
          const err11 = {
            instancePath: instancePath + "/task",
            schemaPath: "#/properties/task/minLength",
            keyword: "minLength",
            params: { limit: 1 },
            message: "must NOT have fewer than 1 characters",
          };
          if (vErrors === null) {
            vErrors = [err11];
          } else {
            vErrors.push(err11);
          }
          errors++;
        }
      } else {
        const err12 = {
          instancePath: instancePath + "/task",
          schemaPath: "#/properties/task/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
    if (data.agent !== undefined) {
      if (
        !validate20(data.agent, {
          instancePath: instancePath + "/agent",
          parentData: data,
          parentDataProperty: "agent",
          rootData,
          dynamicAnchors,
        })
      ) {
        vErrors = vErrors === null ? validate20.errors : vErrors.concat(validate20.errors);
        errors = vErrors.length;
      }
    }
    if (data.images !== undefined) {
      let data5 = data.images;
      if (Array.isArray(data5)) {
        if (data5.length > 8) {
          const err13 = {
            instancePath: instancePath + "/images",
            schemaPath: "#/properties/images/maxItems",
            keyword: "maxItems",
            params: { limit: 8 },
            message: "must NOT have more than 8 items",
          };
          if (vErrors === null) {
            vErrors = [err13];
          } else {
            vErrors.push(err13);
          }
          errors++;
        }
        const len0 = data5.length;
        for (let i0 = 0; i0 < len0; i0++) {
          let data6 = data5[i0];
          if (data6 && typeof data6 == "object" && !Array.isArray(data6)) {
            if (data6.url === undefined) {
              const err14 = {
                instancePath: instancePath + "/images/" + i0,
                schemaPath: "#/properties/images/items/required",
                keyword: "required",
                params: { missingProperty: "url" },
                message: "must have required property '" + "url" + "'",
              };
              if (vErrors === null) {
                vErrors = [err14];
              } else {
                vErrors.push(err14);
              }
              errors++;
            }
            for (const key1 in data6) {
              if (!(key1 === "url" || key1 === "mediaType")) {
                const err15 = {
                  instancePath: instancePath + "/images/" + i0,
                  schemaPath: "#/properties/images/items/additionalProperties",
                  keyword: "additionalProperties",
                  params: { additionalProperty: key1 },
                  message: "must NOT have additional properties",
                };
                if (vErrors === null) {
                  vErrors = [err15];
                } else {
                  vErrors.push(err15);
                }
                errors++;
              }
            }
            if (data6.url !== undefined) {
              let data7 = data6.url;
              if (typeof data7 === "string") {
                if (func2(data7) > 2048) {
                  const err16 = {
                    instancePath: instancePath + "/images/" + i0 + "/url",
                    schemaPath: "#/properties/images/items/properties/url/maxLength",
                    keyword: "maxLength",
                    params: { limit: 2048 },
                    message: "must NOT have more than 2048 characters",
                  };
                  if (vErrors === null) {
                    vErrors = [err16];
                  } else {
                    vErrors.push(err16);
                  }
                  errors++;
                }
                if (!pattern34.test(data7)) {
                  const err17 = {
                    instancePath: instancePath + "/images/" + i0 + "/url",
                    schemaPath: "#/properties/images/items/properties/url/pattern",
                    keyword: "pattern",
                    params: { pattern: "^https?://" },
                    message: 'must match pattern "' + "^https?://" + '"',
                  };
                  if (vErrors === null) {
                    vErrors = [err17];
                  } else {
                    vErrors.push(err17);
                  }
                  errors++;
                }
              } else {
                const err18 = {
                  instancePath: instancePath + "/images/" + i0 + "/url",
                  schemaPath: "#/properties/images/items/properties/url/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err18];
                } else {
                  vErrors.push(err18);
                }
                errors++;
              }
            }
            if (data6.mediaType !== undefined) {
              let data8 = data6.mediaType;
              if (typeof data8 === "string") {
                if (!pattern35.test(data8)) {
                  const err19 = {
                    instancePath: instancePath + "/images/" + i0 + "/mediaType",
                    schemaPath: "#/properties/images/items/properties/mediaType/pattern",
                    keyword: "pattern",
                    params: { pattern: "^image/[a-z0-9.+-]+$" },
                    message: 'must match pattern "' + "^image/[a-z0-9.+-]+$" + '"',
                  };
                  if (vErrors === null) {
                    vErrors = [err19];
                  } else {
                    vErrors.push(err19);
                  }
                  errors++;
                }
              } else {
                const err20 = {
                  instancePath: instancePath + "/images/" + i0 + "/mediaType",
                  schemaPath: "#/properties/images/items/properties/mediaType/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err20];
                } else {
                  vErrors.push(err20);
                }
                errors++;
              }
            }
          } else {
            const err21 = {
              instancePath: instancePath + "/images/" + i0,
              schemaPath: "#/properties/images/items/type",
              keyword: "type",
              params: { type: "object" },
              message: "must be object",
            };
            if (vErrors === null) {
              vErrors = [err21];
            } else {
              vErrors.push(err21);
            }
            errors++;
          }
        }
      } else {
        const err22 = {
          instancePath: instancePath + "/images",
          schemaPath: "#/properties/images/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err22];
        } else {
          vErrors.push(err22);
        }
        errors++;
      }
    }
    if (data.team !== undefined) {
      let data9 = data.team;
      if (Array.isArray(data9)) {
        const len1 = data9.length;
        for (let i1 = 0; i1 < len1; i1++) {
          if (
            !validate20(data9[i1], {
              instancePath: instancePath + "/team/" + i1,
              parentData: data9,
              parentDataProperty: i1,
              rootData,
              dynamicAnchors,
            })
          ) {
            vErrors = vErrors === null ? validate20.errors : vErrors.concat(validate20.errors);
            errors = vErrors.length;
          }
        }
      } else {
        const err23 = {
          instancePath: instancePath + "/team",
          schemaPath: "#/properties/team/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err23];
        } else {
          vErrors.push(err23);
        }
        errors++;
      }
    }
    if (data.idempotencyKey !== undefined) {
      if (typeof data.idempotencyKey !== "string") {
        const err24 = {
          instancePath: instancePath + "/idempotencyKey",
          schemaPath: "#/properties/idempotencyKey/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err24];
        } else {
          vErrors.push(err24);
        }
        errors++;
      }
    }
    if (data.submittedAt !== undefined) {
      if (typeof data.submittedAt !== "string") {
        const err25 = {
          instancePath: instancePath + "/submittedAt",
          schemaPath: "#/properties/submittedAt/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err25];
        } else {
          vErrors.push(err25);
        }
        errors++;
      }
    }
    if (data.parent !== undefined) {
      let data13 = data.parent;
      if (data13 && typeof data13 == "object" && !Array.isArray(data13)) {
        if (data13.runId === undefined) {
          const err26 = {
            instancePath: instancePath + "/parent",
            schemaPath: "#/properties/parent/required",
            keyword: "required",
            params: { missingProperty: "runId" },
            message: "must have required property '" + "runId" + "'",
          };
          if (vErrors === null) {
            vErrors = [err26];
          } else {
            vErrors.push(err26);
          }
          errors++;
        }
        if (data13.turn === undefined) {
          const err27 = {
            instancePath: instancePath + "/parent",
            schemaPath: "#/properties/parent/required",
            keyword: "required",
            params: { missingProperty: "turn" },
            message: "must have required property '" + "turn" + "'",
          };
          if (vErrors === null) {
            vErrors = [err27];
          } else {
            vErrors.push(err27);
          }
          errors++;
        }
        if (data13.index === undefined) {
          const err28 = {
            instancePath: instancePath + "/parent",
            schemaPath: "#/properties/parent/required",
            keyword: "required",
            params: { missingProperty: "index" },
            message: "must have required property '" + "index" + "'",
          };
          if (vErrors === null) {
            vErrors = [err28];
          } else {
            vErrors.push(err28);
          }
          errors++;
        }
        if (data13.callId === undefined) {
          const err29 = {
            instancePath: instancePath + "/parent",
            schemaPath: "#/properties/parent/required",
            keyword: "required",
            params: { missingProperty: "callId" },
            message: "must have required property '" + "callId" + "'",
          };
          if (vErrors === null) {
            vErrors = [err29];
          } else {
            vErrors.push(err29);
          }
          errors++;
        }
        for (const key2 in data13) {
          if (!(key2 === "runId" || key2 === "turn" || key2 === "index" || key2 === "callId")) {
            const err30 = {
              instancePath: instancePath + "/parent",
              schemaPath: "#/properties/parent/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key2 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err30];
            } else {
              vErrors.push(err30);
            }
            errors++;
          }
        }
        if (data13.runId !== undefined) {
          let data14 = data13.runId;
          if (typeof data14 === "string") {
            if (!pattern4.test(data14)) {
              const err31 = {
                instancePath: instancePath + "/parent/runId",
                schemaPath: "#/properties/parent/properties/runId/pattern",
                keyword: "pattern",
                params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
                message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
              };
              if (vErrors === null) {
                vErrors = [err31];
              } else {
                vErrors.push(err31);
              }
              errors++;
            }
          } else {
            const err32 = {
              instancePath: instancePath + "/parent/runId",
              schemaPath: "#/properties/parent/properties/runId/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err32];
            } else {
              vErrors.push(err32);
            }
            errors++;
          }
        }
        if (data13.turn !== undefined) {
          let data15 = data13.turn;
          if (!(typeof data15 == "number" && !(data15 % 1) && !isNaN(data15) && isFinite(data15))) {
            const err33 = {
              instancePath: instancePath + "/parent/turn",
              schemaPath: "#/properties/parent/properties/turn/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err33];
            } else {
              vErrors.push(err33);
            }
            errors++;
          }
          if (typeof data15 == "number" && isFinite(data15)) {
            if (data15 < 1 || isNaN(data15)) {
              const err34 = {
                instancePath: instancePath + "/parent/turn",
                schemaPath: "#/properties/parent/properties/turn/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 1 },
                message: "must be >= 1",
              };
              if (vErrors === null) {
                vErrors = [err34];
              } else {
                vErrors.push(err34);
              }
              errors++;
            }
          }
        }
        if (data13.index !== undefined) {
          let data16 = data13.index;
          if (!(typeof data16 == "number" && !(data16 % 1) && !isNaN(data16) && isFinite(data16))) {
            const err35 = {
              instancePath: instancePath + "/parent/index",
              schemaPath: "#/properties/parent/properties/index/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err35];
            } else {
              vErrors.push(err35);
            }
            errors++;
          }
          if (typeof data16 == "number" && isFinite(data16)) {
            if (data16 < 0 || isNaN(data16)) {
              const err36 = {
                instancePath: instancePath + "/parent/index",
                schemaPath: "#/properties/parent/properties/index/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err36];
              } else {
                vErrors.push(err36);
              }
              errors++;
            }
          }
        }
        if (data13.callId !== undefined) {
          if (typeof data13.callId !== "string") {
            const err37 = {
              instancePath: instancePath + "/parent/callId",
              schemaPath: "#/properties/parent/properties/callId/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err37];
            } else {
              vErrors.push(err37);
            }
            errors++;
          }
        }
      } else {
        const err38 = {
          instancePath: instancePath + "/parent",
          schemaPath: "#/properties/parent/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err38];
        } else {
          vErrors.push(err38);
        }
        errors++;
      }
    }
    if (data.metadata !== undefined) {
      let data18 = data.metadata;
      if (data18 && typeof data18 == "object" && !Array.isArray(data18)) {
        for (const key3 in data18) {
          if (typeof data18[key3] !== "string") {
            const err39 = {
              instancePath: instancePath + "/metadata/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),
              schemaPath: "#/properties/metadata/additionalProperties/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err39];
            } else {
              vErrors.push(err39);
            }
            errors++;
          }
        }
      } else {
        const err40 = {
          instancePath: instancePath + "/metadata",
          schemaPath: "#/properties/metadata/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err40];
        } else {
          vErrors.push(err40);
        }
        errors++;
      }
    }
    if (data.trace !== undefined) {
      let data20 = data.trace;
      if (data20 && typeof data20 == "object" && !Array.isArray(data20)) {
        for (const key4 in data20) {
          if (typeof data20[key4] !== "string") {
            const err41 = {
              instancePath: instancePath + "/trace/" + key4.replace(/~/g, "~0").replace(/\//g, "~1"),
              schemaPath: "#/properties/trace/additionalProperties/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err41];
            } else {
              vErrors.push(err41);
            }
            errors++;
          }
        }
      } else {
        const err42 = {
          instancePath: instancePath + "/trace",
          schemaPath: "#/properties/trace/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err42];
        } else {
          vErrors.push(err42);
        }
        errors++;
      }
    }
    if (data.forkedFrom !== undefined) {
      let data22 = data.forkedFrom;
      if (data22 && typeof data22 == "object" && !Array.isArray(data22)) {
        if (data22.runId === undefined) {
          const err43 = {
            instancePath: instancePath + "/forkedFrom",
            schemaPath: "#/properties/forkedFrom/required",
            keyword: "required",
            params: { missingProperty: "runId" },
            message: "must have required property '" + "runId" + "'",
          };
          if (vErrors === null) {
            vErrors = [err43];
          } else {
            vErrors.push(err43);
          }
          errors++;
        }
        if (data22.step === undefined) {
          const err44 = {
            instancePath: instancePath + "/forkedFrom",
            schemaPath: "#/properties/forkedFrom/required",
            keyword: "required",
            params: { missingProperty: "step" },
            message: "must have required property '" + "step" + "'",
          };
          if (vErrors === null) {
            vErrors = [err44];
          } else {
            vErrors.push(err44);
          }
          errors++;
        }
        if (data22.seq === undefined) {
          const err45 = {
            instancePath: instancePath + "/forkedFrom",
            schemaPath: "#/properties/forkedFrom/required",
            keyword: "required",
            params: { missingProperty: "seq" },
            message: "must have required property '" + "seq" + "'",
          };
          if (vErrors === null) {
            vErrors = [err45];
          } else {
            vErrors.push(err45);
          }
          errors++;
        }
        for (const key5 in data22) {
          if (!(key5 === "runId" || key5 === "step" || key5 === "seq" || key5 === "editedCalls" || key5 === "prefix")) {
            const err46 = {
              instancePath: instancePath + "/forkedFrom",
              schemaPath: "#/properties/forkedFrom/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key5 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err46];
            } else {
              vErrors.push(err46);
            }
            errors++;
          }
        }
        if (data22.runId !== undefined) {
          let data23 = data22.runId;
          if (typeof data23 === "string") {
            if (!pattern4.test(data23)) {
              const err47 = {
                instancePath: instancePath + "/forkedFrom/runId",
                schemaPath: "#/properties/forkedFrom/properties/runId/pattern",
                keyword: "pattern",
                params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
                message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
              };
              if (vErrors === null) {
                vErrors = [err47];
              } else {
                vErrors.push(err47);
              }
              errors++;
            }
          } else {
            const err48 = {
              instancePath: instancePath + "/forkedFrom/runId",
              schemaPath: "#/properties/forkedFrom/properties/runId/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err48];
            } else {
              vErrors.push(err48);
            }
            errors++;
          }
        }
        if (data22.step !== undefined) {
          let data24 = data22.step;
          if (!(typeof data24 == "number" && !(data24 % 1) && !isNaN(data24) && isFinite(data24))) {
            const err49 = {
              instancePath: instancePath + "/forkedFrom/step",
              schemaPath: "#/properties/forkedFrom/properties/step/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err49];
            } else {
              vErrors.push(err49);
            }
            errors++;
          }
          if (typeof data24 == "number" && isFinite(data24)) {
            if (data24 < 0 || isNaN(data24)) {
              const err50 = {
                instancePath: instancePath + "/forkedFrom/step",
                schemaPath: "#/properties/forkedFrom/properties/step/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err50];
              } else {
                vErrors.push(err50);
              }
              errors++;
            }
          }
        }
        if (data22.seq !== undefined) {
          let data25 = data22.seq;
          if (!(typeof data25 == "number" && !(data25 % 1) && !isNaN(data25) && isFinite(data25))) {
            const err51 = {
              instancePath: instancePath + "/forkedFrom/seq",
              schemaPath: "#/properties/forkedFrom/properties/seq/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err51];
            } else {
              vErrors.push(err51);
            }
            errors++;
          }
          if (typeof data25 == "number" && isFinite(data25)) {
            if (data25 < 1 || isNaN(data25)) {
              const err52 = {
                instancePath: instancePath + "/forkedFrom/seq",
                schemaPath: "#/properties/forkedFrom/properties/seq/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 1 },
                message: "must be >= 1",
              };
              if (vErrors === null) {
                vErrors = [err52];
              } else {
                vErrors.push(err52);
              }
              errors++;
            }
          }
        }
        if (data22.editedCalls !== undefined) {
          let data26 = data22.editedCalls;
          if (Array.isArray(data26)) {
            const len2 = data26.length;
            for (let i2 = 0; i2 < len2; i2++) {
              if (typeof data26[i2] !== "string") {
                const err53 = {
                  instancePath: instancePath + "/forkedFrom/editedCalls/" + i2,
                  schemaPath: "#/properties/forkedFrom/properties/editedCalls/items/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err53];
                } else {
                  vErrors.push(err53);
                }
                errors++;
              }
            }
          } else {
            const err54 = {
              instancePath: instancePath + "/forkedFrom/editedCalls",
              schemaPath: "#/properties/forkedFrom/properties/editedCalls/type",
              keyword: "type",
              params: { type: "array" },
              message: "must be array",
            };
            if (vErrors === null) {
              vErrors = [err54];
            } else {
              vErrors.push(err54);
            }
            errors++;
          }
        }
        if (data22.prefix !== undefined) {
          let data28 = data22.prefix;
          if (Array.isArray(data28)) {
            const len3 = data28.length;
            for (let i3 = 0; i3 < len3; i3++) {
              let data29 = data28[i3];
              if (data29 && typeof data29 == "object" && !Array.isArray(data29)) {
                if (data29.subject === undefined) {
                  const err55 = {
                    instancePath: instancePath + "/forkedFrom/prefix/" + i3,
                    schemaPath: "#/properties/forkedFrom/properties/prefix/items/required",
                    keyword: "required",
                    params: { missingProperty: "subject" },
                    message: "must have required property '" + "subject" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err55];
                  } else {
                    vErrors.push(err55);
                  }
                  errors++;
                }
                if (data29.sha256 === undefined) {
                  const err56 = {
                    instancePath: instancePath + "/forkedFrom/prefix/" + i3,
                    schemaPath: "#/properties/forkedFrom/properties/prefix/items/required",
                    keyword: "required",
                    params: { missingProperty: "sha256" },
                    message: "must have required property '" + "sha256" + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err56];
                  } else {
                    vErrors.push(err56);
                  }
                  errors++;
                }
                for (const key6 in data29) {
                  if (!(key6 === "subject" || key6 === "sha256")) {
                    const err57 = {
                      instancePath: instancePath + "/forkedFrom/prefix/" + i3,
                      schemaPath: "#/properties/forkedFrom/properties/prefix/items/additionalProperties",
                      keyword: "additionalProperties",
                      params: { additionalProperty: key6 },
                      message: "must NOT have additional properties",
                    };
                    if (vErrors === null) {
                      vErrors = [err57];
                    } else {
                      vErrors.push(err57);
                    }
                    errors++;
                  }
                }
                if (data29.subject !== undefined) {
                  if (typeof data29.subject !== "string") {
                    const err58 = {
                      instancePath: instancePath + "/forkedFrom/prefix/" + i3 + "/subject",
                      schemaPath: "#/properties/forkedFrom/properties/prefix/items/properties/subject/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err58];
                    } else {
                      vErrors.push(err58);
                    }
                    errors++;
                  }
                }
                if (data29.sha256 !== undefined) {
                  let data31 = data29.sha256;
                  if (typeof data31 === "string") {
                    if (!pattern17.test(data31)) {
                      const err59 = {
                        instancePath: instancePath + "/forkedFrom/prefix/" + i3 + "/sha256",
                        schemaPath: "#/properties/forkedFrom/properties/prefix/items/properties/sha256/pattern",
                        keyword: "pattern",
                        params: { pattern: "^[0-9a-f]{64}$" },
                        message: 'must match pattern "' + "^[0-9a-f]{64}$" + '"',
                      };
                      if (vErrors === null) {
                        vErrors = [err59];
                      } else {
                        vErrors.push(err59);
                      }
                      errors++;
                    }
                  } else {
                    const err60 = {
                      instancePath: instancePath + "/forkedFrom/prefix/" + i3 + "/sha256",
                      schemaPath: "#/properties/forkedFrom/properties/prefix/items/properties/sha256/type",
                      keyword: "type",
                      params: { type: "string" },
                      message: "must be string",
                    };
                    if (vErrors === null) {
                      vErrors = [err60];
                    } else {
                      vErrors.push(err60);
                    }
                    errors++;
                  }
                }
              } else {
                const err61 = {
                  instancePath: instancePath + "/forkedFrom/prefix/" + i3,
                  schemaPath: "#/properties/forkedFrom/properties/prefix/items/type",
                  keyword: "type",
                  params: { type: "object" },
                  message: "must be object",
                };
                if (vErrors === null) {
                  vErrors = [err61];
                } else {
                  vErrors.push(err61);
                }
                errors++;
              }
            }
          } else {
            const err62 = {
              instancePath: instancePath + "/forkedFrom/prefix",
              schemaPath: "#/properties/forkedFrom/properties/prefix/type",
              keyword: "type",
              params: { type: "array" },
              message: "must be array",
            };
            if (vErrors === null) {
              vErrors = [err62];
            } else {
              vErrors.push(err62);
            }
            errors++;
          }
        }
      } else {
        const err63 = {
          instancePath: instancePath + "/forkedFrom",
          schemaPath: "#/properties/forkedFrom/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err63];
        } else {
          vErrors.push(err63);
        }
        errors++;
      }
    }
    if (data.tenant !== undefined) {
      let data32 = data.tenant;
      if (typeof data32 === "string") {
        if (!pattern4.test(data32)) {
          const err64 = {
            instancePath: instancePath + "/tenant",
            schemaPath: "#/properties/tenant/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err64];
          } else {
            vErrors.push(err64);
          }
          errors++;
        }
      } else {
        const err65 = {
          instancePath: instancePath + "/tenant",
          schemaPath: "#/properties/tenant/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err65];
        } else {
          vErrors.push(err65);
        }
        errors++;
      }
    }
    if (data.submittedBy !== undefined) {
      if (typeof data.submittedBy !== "string") {
        const err66 = {
          instancePath: instancePath + "/submittedBy",
          schemaPath: "#/properties/submittedBy/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err66];
        } else {
          vErrors.push(err66);
        }
        errors++;
      }
    }
  } else {
    const err67 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err67];
    } else {
      vErrors.push(err67);
    }
    errors++;
  }
  validate39.errors = vErrors;
  return errors === 0;
}
validate39.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const SendReply = validate42;
const schema54 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/send-reply.v1.schema.json",
  title: "SendReply",
  description:
    "Reply of <prefix>.api.send: the message's number in the run, once it is stored. The run's status says when it is answered (answeredMessages >= n).",
  type: "object",
  additionalProperties: false,
  required: ["v", "runId", "n"],
  properties: {
    v: { const: 1 },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    n: { type: "integer", minimum: 1 },
  },
};
function validate42(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/send-reply.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate42.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.n === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "n" },
        message: "must have required property '" + "n" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === "v" || key0 === "runId" || key0 === "n")) {
        const err3 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err4 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err4];
        } else {
          vErrors.push(err4);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data1 = data.runId;
      if (typeof data1 === "string") {
        if (!pattern4.test(data1)) {
          const err5 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err5];
          } else {
            vErrors.push(err5);
          }
          errors++;
        }
      } else {
        const err6 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.n !== undefined) {
      let data2 = data.n;
      if (!(typeof data2 == "number" && !(data2 % 1) && !isNaN(data2) && isFinite(data2))) {
        const err7 = {
          instancePath: instancePath + "/n",
          schemaPath: "#/properties/n/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
      if (typeof data2 == "number" && isFinite(data2)) {
        if (data2 < 1 || isNaN(data2)) {
          const err8 = {
            instancePath: instancePath + "/n",
            schemaPath: "#/properties/n/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err8];
          } else {
            vErrors.push(err8);
          }
          errors++;
        }
      }
    }
  } else {
    const err9 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err9];
    } else {
      vErrors.push(err9);
    }
    errors++;
  }
  validate42.errors = vErrors;
  return errors === 0;
}
validate42.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const SendRequest = validate43;
const schema55 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/send-request.v1.schema.json",
  title: "SendRequest",
  description:
    "Request to <prefix>.api.send: a message to a running run (steering: the next model call reads it) or to a conversation waiting for one; with end, the conversation ends after its next answer. Text, end, or both.",
  type: "object",
  additionalProperties: false,
  required: ["runId"],
  properties: {
    v: {
      const: 1,
      description:
        "Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.",
    },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    text: { type: "string", minLength: 1, maxLength: 65536 },
    end: { type: "boolean" },
  },
};
function validate43(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/send-request.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate43.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.runId === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === "v" || key0 === "runId" || key0 === "text" || key0 === "end")) {
        const err1 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err2 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data1 = data.runId;
      if (typeof data1 === "string") {
        if (!pattern4.test(data1)) {
          const err3 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err3];
          } else {
            vErrors.push(err3);
          }
          errors++;
        }
      } else {
        const err4 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err4];
        } else {
          vErrors.push(err4);
        }
        errors++;
      }
    }
    if (data.text !== undefined) {
      let data2 = data.text;
      if (typeof data2 === "string") {
        if (func2(data2) > 65536) {
          const err5 = {
            instancePath: instancePath + "/text",
            schemaPath: "#/properties/text/maxLength",
            keyword: "maxLength",
            params: { limit: 65536 },
            message: "must NOT have more than 65536 characters",
          };
          if (vErrors === null) {
            vErrors = [err5];
          } else {
            vErrors.push(err5);
          }
          errors++;
        }
        if (func2(data2) < 1) {
          const err6 = {
            instancePath: instancePath + "/text",
            schemaPath: "#/properties/text/minLength",
            keyword: "minLength",
            params: { limit: 1 },
            message: "must NOT have fewer than 1 characters",
          };
          if (vErrors === null) {
            vErrors = [err6];
          } else {
            vErrors.push(err6);
          }
          errors++;
        }
      } else {
        const err7 = {
          instancePath: instancePath + "/text",
          schemaPath: "#/properties/text/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.end !== undefined) {
      if (typeof data.end !== "boolean") {
        const err8 = {
          instancePath: instancePath + "/end",
          schemaPath: "#/properties/end/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
  } else {
    const err9 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err9];
    } else {
      vErrors.push(err9);
    }
    errors++;
  }
  validate43.errors = vErrors;
  return errors === 0;
}
validate43.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const SpawnRequest = validate44;
const schema56 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/spawn-request.v1.schema.json",
  title: "SpawnRequest",
  description:
    "Request to <prefix>.api.spawn (the tool-runner's run_agent): start the sub-agent run of a pending run_agent call. The planner checks the parent's log for that call and derives the child run, its task and agent from it.",
  type: "object",
  additionalProperties: false,
  required: ["runId", "turn", "index", "callId"],
  properties: {
    v: {
      const: 1,
      description:
        "Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.",
    },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$", description: "The parent run." },
    turn: { type: "integer", minimum: 1 },
    index: { type: "integer", minimum: 0 },
    callId: { type: "string", minLength: 1 },
  },
};
function validate44(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/spawn-request.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate44.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.runId === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.index === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "index" },
        message: "must have required property '" + "index" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.callId === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "callId" },
        message: "must have required property '" + "callId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === "v" || key0 === "runId" || key0 === "turn" || key0 === "index" || key0 === "callId")) {
        const err4 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err4];
        } else {
          vErrors.push(err4);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err5 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data1 = data.runId;
      if (typeof data1 === "string") {
        if (!pattern4.test(data1)) {
          const err6 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err6];
          } else {
            vErrors.push(err6);
          }
          errors++;
        }
      } else {
        const err7 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.turn !== undefined) {
      let data2 = data.turn;
      if (!(typeof data2 == "number" && !(data2 % 1) && !isNaN(data2) && isFinite(data2))) {
        const err8 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
      if (typeof data2 == "number" && isFinite(data2)) {
        if (data2 < 1 || isNaN(data2)) {
          const err9 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err9];
          } else {
            vErrors.push(err9);
          }
          errors++;
        }
      }
    }
    if (data.index !== undefined) {
      let data3 = data.index;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err10 = {
          instancePath: instancePath + "/index",
          schemaPath: "#/properties/index/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 0 || isNaN(data3)) {
          const err11 = {
            instancePath: instancePath + "/index",
            schemaPath: "#/properties/index/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err11];
          } else {
            vErrors.push(err11);
          }
          errors++;
        }
      }
    }
    if (data.callId !== undefined) {
      let data4 = data.callId;
      if (typeof data4 === "string") {
        if (func2(data4) < 1) {
          const err12 = {
            instancePath: instancePath + "/callId",
            schemaPath: "#/properties/callId/minLength",
            keyword: "minLength",
            params: { limit: 1 },
            message: "must NOT have fewer than 1 characters",
          };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      } else {
        const err13 = {
          instancePath: instancePath + "/callId",
          schemaPath: "#/properties/callId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
  } else {
    const err14 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err14];
    } else {
      vErrors.push(err14);
    }
    errors++;
  }
  validate44.errors = vErrors;
  return errors === 0;
}
validate44.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const SubmitReply = validate45;
const schema57 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/submit-reply.v1.schema.json",
  title: "SubmitReply",
  description: "Reply from <prefix>.api.submit, sent only after run.submitted is durably in the stream.",
  type: "object",
  additionalProperties: false,
  required: ["v", "runId", "created"],
  properties: {
    v: { const: 1 },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    created: { type: "boolean", description: "False when the idempotency key named an existing run." },
    seq: { type: "integer" },
  },
};
function validate45(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/submit-reply.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate45.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.created === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "created" },
        message: "must have required property '" + "created" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === "v" || key0 === "runId" || key0 === "created" || key0 === "seq")) {
        const err3 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err4 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err4];
        } else {
          vErrors.push(err4);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data1 = data.runId;
      if (typeof data1 === "string") {
        if (!pattern4.test(data1)) {
          const err5 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err5];
          } else {
            vErrors.push(err5);
          }
          errors++;
        }
      } else {
        const err6 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.created !== undefined) {
      if (typeof data.created !== "boolean") {
        const err7 = {
          instancePath: instancePath + "/created",
          schemaPath: "#/properties/created/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.seq !== undefined) {
      let data3 = data.seq;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err8 = {
          instancePath: instancePath + "/seq",
          schemaPath: "#/properties/seq/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
  } else {
    const err9 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err9];
    } else {
      vErrors.push(err9);
    }
    errors++;
  }
  validate45.errors = vErrors;
  return errors === 0;
}
validate45.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const SubmitRequest = validate46;
const schema58 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/submit-request.v1.schema.json",
  title: "SubmitRequest",
  description: "Request to <prefix>.api.submit.",
  type: "object",
  additionalProperties: false,
  required: ["task"],
  properties: {
    v: {
      const: 1,
      description:
        "Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.",
    },
    task: { type: "string", minLength: 1 },
    agent: { type: "string", description: "Agent name from the agents config; the default agent when omitted." },
    idempotencyKey: {
      type: "string",
      minLength: 1,
      maxLength: 256,
      description: "Resubmitting with the same key returns the same run.",
    },
    images: {
      type: "array",
      maxItems: 8,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["url"],
        properties: {
          url: { type: "string", pattern: "^https?://", maxLength: 2048 },
          mediaType: { type: "string", pattern: "^image/[a-z0-9.+-]+$" },
        },
      },
      description:
        "Images the model sees with the task (http or https URLs, at most 8): the provider fetches them, or the llm-caller does for a provider that needs them inline.",
    },
    metadata: { type: "object", additionalProperties: { type: "string" } },
    trace: {
      type: "object",
      additionalProperties: { type: "string" },
      description: "The submitter's W3C trace context (traceparent, tracestate): the run's trace becomes part of it.",
    },
  },
};
function validate46(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/submit-request.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate46.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.task === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "task" },
        message: "must have required property '" + "task" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(
        key0 === "v" ||
        key0 === "task" ||
        key0 === "agent" ||
        key0 === "idempotencyKey" ||
        key0 === "images" ||
        key0 === "metadata" ||
        key0 === "trace"
      )) {
        const err1 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err2 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    }
    if (data.task !== undefined) {
      let data1 = data.task;
      if (typeof data1 === "string") {
        if (func2(data1) < 1) {
          const err3 = {
            instancePath: instancePath + "/task",
            schemaPath: "#/properties/task/minLength",
            keyword: "minLength",
            params: { limit: 1 },
            message: "must NOT have fewer than 1 characters",
          };
          if (vErrors === null) {
            vErrors = [err3];
          } else {
            vErrors.push(err3);
          }
          errors++;
        }
      } else {
        const err4 = {
          instancePath: instancePath + "/task",
          schemaPath: "#/properties/task/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err4];
        } else {
          vErrors.push(err4);
        }
        errors++;
      }
    }
    if (data.agent !== undefined) {
      if (typeof data.agent !== "string") {
        const err5 = {
          instancePath: instancePath + "/agent",
          schemaPath: "#/properties/agent/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
    }
    if (data.idempotencyKey !== undefined) {
      let data3 = data.idempotencyKey;
      if (typeof data3 === "string") {
        if (func2(data3) > 256) {
          const err6 = {
            instancePath: instancePath + "/idempotencyKey",
            schemaPath: "#/properties/idempotencyKey/maxLength",
            keyword: "maxLength",
            params: { limit: 256 },
            message: "must NOT have more than 256 characters",
          };
          if (vErrors === null) {
            vErrors = [err6];
          } else {
            vErrors.push(err6);
          }
          errors++;
        }
        if (func2(data3) < 1) {
          const err7 = {
            instancePath: instancePath + "/idempotencyKey",
            schemaPath: "#/properties/idempotencyKey/minLength",
            keyword: "minLength",
            params: { limit: 1 },
            message: "must NOT have fewer than 1 characters",
          };
          if (vErrors === null) {
            vErrors = [err7];
          } else {
            vErrors.push(err7);
          }
          errors++;
        }
      } else {
        const err8 = {
          instancePath: instancePath + "/idempotencyKey",
          schemaPath: "#/properties/idempotencyKey/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.images !== undefined) {
      let data4 = data.images;
      if (Array.isArray(data4)) {
        if (data4.length > 8) {
          const err9 = {
            instancePath: instancePath + "/images",
            schemaPath: "#/properties/images/maxItems",
            keyword: "maxItems",
            params: { limit: 8 },
            message: "must NOT have more than 8 items",
          };
          if (vErrors === null) {
            vErrors = [err9];
          } else {
            vErrors.push(err9);
          }
          errors++;
        }
        const len0 = data4.length;
        for (let i0 = 0; i0 < len0; i0++) {
          let data5 = data4[i0];
          if (data5 && typeof data5 == "object" && !Array.isArray(data5)) {
            if (data5.url === undefined) {
              const err10 = {
                instancePath: instancePath + "/images/" + i0,
                schemaPath: "#/properties/images/items/required",
                keyword: "required",
                params: { missingProperty: "url" },
                message: "must have required property '" + "url" + "'",
              };
              if (vErrors === null) {
                vErrors = [err10];
              } else {
                vErrors.push(err10);
              }
              errors++;
            }
            for (const key1 in data5) {
              if (!(key1 === "url" || key1 === "mediaType")) {
                const err11 = {
                  instancePath: instancePath + "/images/" + i0,
                  schemaPath: "#/properties/images/items/additionalProperties",
                  keyword: "additionalProperties",
                  params: { additionalProperty: key1 },
                  message: "must NOT have additional properties",
                };
                if (vErrors === null) {
                  vErrors = [err11];
                } else {
                  vErrors.push(err11);
                }
                errors++;
              }
            }
            if (data5.url !== undefined) {
              let data6 = data5.url;
              if (typeof data6 === "string") {
                if (func2(data6) > 2048) {
                  const err12 = {
                    instancePath: instancePath + "/images/" + i0 + "/url",
                    schemaPath: "#/properties/images/items/properties/url/maxLength",
                    keyword: "maxLength",
                    params: { limit: 2048 },
                    message: "must NOT have more than 2048 characters",
                  };
                  if (vErrors === null) {
                    vErrors = [err12];
                  } else {
                    vErrors.push(err12);
                  }
                  errors++;
                }
                if (!pattern34.test(data6)) {
                  const err13 = {
                    instancePath: instancePath + "/images/" + i0 + "/url",
                    schemaPath: "#/properties/images/items/properties/url/pattern",
                    keyword: "pattern",
                    params: { pattern: "^https?://" },
                    message: 'must match pattern "' + "^https?://" + '"',
                  };
                  if (vErrors === null) {
                    vErrors = [err13];
                  } else {
                    vErrors.push(err13);
                  }
                  errors++;
                }
              } else {
                const err14 = {
                  instancePath: instancePath + "/images/" + i0 + "/url",
                  schemaPath: "#/properties/images/items/properties/url/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err14];
                } else {
                  vErrors.push(err14);
                }
                errors++;
              }
            }
            if (data5.mediaType !== undefined) {
              let data7 = data5.mediaType;
              if (typeof data7 === "string") {
                if (!pattern35.test(data7)) {
                  const err15 = {
                    instancePath: instancePath + "/images/" + i0 + "/mediaType",
                    schemaPath: "#/properties/images/items/properties/mediaType/pattern",
                    keyword: "pattern",
                    params: { pattern: "^image/[a-z0-9.+-]+$" },
                    message: 'must match pattern "' + "^image/[a-z0-9.+-]+$" + '"',
                  };
                  if (vErrors === null) {
                    vErrors = [err15];
                  } else {
                    vErrors.push(err15);
                  }
                  errors++;
                }
              } else {
                const err16 = {
                  instancePath: instancePath + "/images/" + i0 + "/mediaType",
                  schemaPath: "#/properties/images/items/properties/mediaType/type",
                  keyword: "type",
                  params: { type: "string" },
                  message: "must be string",
                };
                if (vErrors === null) {
                  vErrors = [err16];
                } else {
                  vErrors.push(err16);
                }
                errors++;
              }
            }
          } else {
            const err17 = {
              instancePath: instancePath + "/images/" + i0,
              schemaPath: "#/properties/images/items/type",
              keyword: "type",
              params: { type: "object" },
              message: "must be object",
            };
            if (vErrors === null) {
              vErrors = [err17];
            } else {
              vErrors.push(err17);
            }
            errors++;
          }
        }
      } else {
        const err18 = {
          instancePath: instancePath + "/images",
          schemaPath: "#/properties/images/type",
          keyword: "type",
          params: { type: "array" },
          message: "must be array",
        };
        if (vErrors === null) {
          vErrors = [err18];
        } else {
          vErrors.push(err18);
        }
        errors++;
      }
    }
    if (data.metadata !== undefined) {
      let data8 = data.metadata;
      if (data8 && typeof data8 == "object" && !Array.isArray(data8)) {
        for (const key2 in data8) {
          if (typeof data8[key2] !== "string") {
            const err19 = {
              instancePath: instancePath + "/metadata/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),
              schemaPath: "#/properties/metadata/additionalProperties/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err19];
            } else {
              vErrors.push(err19);
            }
            errors++;
          }
        }
      } else {
        const err20 = {
          instancePath: instancePath + "/metadata",
          schemaPath: "#/properties/metadata/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err20];
        } else {
          vErrors.push(err20);
        }
        errors++;
      }
    }
    if (data.trace !== undefined) {
      let data10 = data.trace;
      if (data10 && typeof data10 == "object" && !Array.isArray(data10)) {
        for (const key3 in data10) {
          if (typeof data10[key3] !== "string") {
            const err21 = {
              instancePath: instancePath + "/trace/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),
              schemaPath: "#/properties/trace/additionalProperties/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err21];
            } else {
              vErrors.push(err21);
            }
            errors++;
          }
        }
      } else {
        const err22 = {
          instancePath: instancePath + "/trace",
          schemaPath: "#/properties/trace/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err22];
        } else {
          vErrors.push(err22);
        }
        errors++;
      }
    }
  } else {
    const err23 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err23];
    } else {
      vErrors.push(err23);
    }
    errors++;
  }
  validate46.errors = vErrors;
  return errors === 0;
}
validate46.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const SummaryCommand = validate47;
const schema59 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/summary-command.v1.schema.json",
  title: "SummaryCommand",
  description:
    "Asks the llm-caller to summarise the run's turns up to throughTurn before model turn <turn> (context compaction); on <prefix>.run.<runId>.cmd.summary.<turn>.<provider>. The transcript is rebuilt from the run history up to historySeq.",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "turn", "throughTurn", "historySeq"],
  properties: {
    v: { const: 1 },
    type: { const: "summary.command" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    turn: { type: "integer", minimum: 1, description: "The model turn whose prompt will use the summary." },
    throughTurn: {
      type: "integer",
      minimum: 1,
      description: "The summary covers turns 1..throughTurn (including any earlier summary).",
    },
    historySeq: { type: "integer", minimum: 1 },
  },
};
function validate47(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/summary-command.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate47.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.throughTurn === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "throughTurn" },
        message: "must have required property '" + "throughTurn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.historySeq === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "historySeq" },
        message: "must have required property '" + "historySeq" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(
        key0 === "v" ||
        key0 === "type" ||
        key0 === "runId" ||
        key0 === "turn" ||
        key0 === "throughTurn" ||
        key0 === "historySeq"
      )) {
        const err6 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err7 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("summary.command" !== data.type) {
        const err8 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "summary.command" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err9 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err9];
          } else {
            vErrors.push(err9);
          }
          errors++;
        }
      } else {
        const err10 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.turn !== undefined) {
      let data3 = data.turn;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err11 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 1 || isNaN(data3)) {
          const err12 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      }
    }
    if (data.throughTurn !== undefined) {
      let data4 = data.throughTurn;
      if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
        const err13 = {
          instancePath: instancePath + "/throughTurn",
          schemaPath: "#/properties/throughTurn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
      if (typeof data4 == "number" && isFinite(data4)) {
        if (data4 < 1 || isNaN(data4)) {
          const err14 = {
            instancePath: instancePath + "/throughTurn",
            schemaPath: "#/properties/throughTurn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err14];
          } else {
            vErrors.push(err14);
          }
          errors++;
        }
      }
    }
    if (data.historySeq !== undefined) {
      let data5 = data.historySeq;
      if (!(typeof data5 == "number" && !(data5 % 1) && !isNaN(data5) && isFinite(data5))) {
        const err15 = {
          instancePath: instancePath + "/historySeq",
          schemaPath: "#/properties/historySeq/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
      if (typeof data5 == "number" && isFinite(data5)) {
        if (data5 < 1 || isNaN(data5)) {
          const err16 = {
            instancePath: instancePath + "/historySeq",
            schemaPath: "#/properties/historySeq/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err16];
          } else {
            vErrors.push(err16);
          }
          errors++;
        }
      }
    }
  } else {
    const err17 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err17];
    } else {
      vErrors.push(err17);
    }
    errors++;
  }
  validate47.errors = vErrors;
  return errors === 0;
}
validate47.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const SummaryResult = validate48;
const schema60 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/summary-result.v1.schema.json",
  title: "SummaryResult",
  description:
    "The recorded summary of turns 1..throughTurn made before model turn <turn>, on <prefix>.run.<runId>.evt.summary.<turn> (at most one per turn, ever). Replay rebuilds every later prompt from it, so the compacted prompt is reproduced exactly. A failed summary (ok false) leaves the run going with truncation only.",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "turn", "throughTurn", "ok", "attempts"],
  properties: {
    v: { const: 1 },
    type: { const: "summary.result" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    turn: { type: "integer", minimum: 1 },
    throughTurn: { type: "integer", minimum: 1 },
    ok: { type: "boolean" },
    content: { type: "string" },
    contentRef: {
      type: "object",
      additionalProperties: false,
      required: ["bucket", "name", "bytes", "sha256"],
      properties: {
        bucket: { type: "string" },
        name: { type: "string" },
        bytes: { type: "integer", minimum: 0 },
        sha256: { type: "string" },
      },
      description:
        "The full text is in the payload stream (<PREFIX>_PAYLOADS, chunks <prefix>.payload.<runId>.<sha256>.<n>); the inline content holds a preview.",
    },
    provider: { type: "string" },
    model: { type: "string" },
    usage: {
      type: "object",
      additionalProperties: false,
      required: ["inputTokens", "outputTokens"],
      properties: { inputTokens: { type: "integer", minimum: 0 }, outputTokens: { type: "integer", minimum: 0 } },
    },
    latencyMs: { type: "number", minimum: 0 },
    promptHash: {
      type: "string",
      description: "sha256 of the canonical summarisation request, rebuilt from history by replay.",
    },
    historySeq: { type: "integer", minimum: 1 },
    attempts: { type: "integer", minimum: 1 },
    error: {
      type: "object",
      additionalProperties: false,
      required: ["kind", "message"],
      properties: {
        kind: { type: "string", minLength: 1 },
        message: { type: "string" },
        retryable: { type: "boolean" },
      },
    },
  },
};
function validate48(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/summary-result.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate48.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.throughTurn === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "throughTurn" },
        message: "must have required property '" + "throughTurn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.ok === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "ok" },
        message: "must have required property '" + "ok" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.attempts === undefined) {
      const err6 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "attempts" },
        message: "must have required property '" + "attempts" + "'",
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema60.properties, key0)) {
        const err7 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err8 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("summary.result" !== data.type) {
        const err9 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "summary.result" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err10 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err10];
          } else {
            vErrors.push(err10);
          }
          errors++;
        }
      } else {
        const err11 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.turn !== undefined) {
      let data3 = data.turn;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err12 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 1 || isNaN(data3)) {
          const err13 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err13];
          } else {
            vErrors.push(err13);
          }
          errors++;
        }
      }
    }
    if (data.throughTurn !== undefined) {
      let data4 = data.throughTurn;
      if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
        const err14 = {
          instancePath: instancePath + "/throughTurn",
          schemaPath: "#/properties/throughTurn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
      if (typeof data4 == "number" && isFinite(data4)) {
        if (data4 < 1 || isNaN(data4)) {
          const err15 = {
            instancePath: instancePath + "/throughTurn",
            schemaPath: "#/properties/throughTurn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err15];
          } else {
            vErrors.push(err15);
          }
          errors++;
        }
      }
    }
    if (data.ok !== undefined) {
      if (typeof data.ok !== "boolean") {
        const err16 = {
          instancePath: instancePath + "/ok",
          schemaPath: "#/properties/ok/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err16];
        } else {
          vErrors.push(err16);
        }
        errors++;
      }
    }
    if (data.content !== undefined) {
      if (typeof data.content !== "string") {
        const err17 = {
          instancePath: instancePath + "/content",
          schemaPath: "#/properties/content/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err17];
        } else {
          vErrors.push(err17);
        }
        errors++;
      }
    }
    if (data.contentRef !== undefined) {
      let data7 = data.contentRef;
      if (data7 && typeof data7 == "object" && !Array.isArray(data7)) {
        if (data7.bucket === undefined) {
          const err18 = {
            instancePath: instancePath + "/contentRef",
            schemaPath: "#/properties/contentRef/required",
            keyword: "required",
            params: { missingProperty: "bucket" },
            message: "must have required property '" + "bucket" + "'",
          };
          if (vErrors === null) {
            vErrors = [err18];
          } else {
            vErrors.push(err18);
          }
          errors++;
        }
        if (data7.name === undefined) {
          const err19 = {
            instancePath: instancePath + "/contentRef",
            schemaPath: "#/properties/contentRef/required",
            keyword: "required",
            params: { missingProperty: "name" },
            message: "must have required property '" + "name" + "'",
          };
          if (vErrors === null) {
            vErrors = [err19];
          } else {
            vErrors.push(err19);
          }
          errors++;
        }
        if (data7.bytes === undefined) {
          const err20 = {
            instancePath: instancePath + "/contentRef",
            schemaPath: "#/properties/contentRef/required",
            keyword: "required",
            params: { missingProperty: "bytes" },
            message: "must have required property '" + "bytes" + "'",
          };
          if (vErrors === null) {
            vErrors = [err20];
          } else {
            vErrors.push(err20);
          }
          errors++;
        }
        if (data7.sha256 === undefined) {
          const err21 = {
            instancePath: instancePath + "/contentRef",
            schemaPath: "#/properties/contentRef/required",
            keyword: "required",
            params: { missingProperty: "sha256" },
            message: "must have required property '" + "sha256" + "'",
          };
          if (vErrors === null) {
            vErrors = [err21];
          } else {
            vErrors.push(err21);
          }
          errors++;
        }
        for (const key1 in data7) {
          if (!(key1 === "bucket" || key1 === "name" || key1 === "bytes" || key1 === "sha256")) {
            const err22 = {
              instancePath: instancePath + "/contentRef",
              schemaPath: "#/properties/contentRef/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key1 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err22];
            } else {
              vErrors.push(err22);
            }
            errors++;
          }
        }
        if (data7.bucket !== undefined) {
          if (typeof data7.bucket !== "string") {
            const err23 = {
              instancePath: instancePath + "/contentRef/bucket",
              schemaPath: "#/properties/contentRef/properties/bucket/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err23];
            } else {
              vErrors.push(err23);
            }
            errors++;
          }
        }
        if (data7.name !== undefined) {
          if (typeof data7.name !== "string") {
            const err24 = {
              instancePath: instancePath + "/contentRef/name",
              schemaPath: "#/properties/contentRef/properties/name/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err24];
            } else {
              vErrors.push(err24);
            }
            errors++;
          }
        }
        if (data7.bytes !== undefined) {
          let data10 = data7.bytes;
          if (!(typeof data10 == "number" && !(data10 % 1) && !isNaN(data10) && isFinite(data10))) {
            const err25 = {
              instancePath: instancePath + "/contentRef/bytes",
              schemaPath: "#/properties/contentRef/properties/bytes/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err25];
            } else {
              vErrors.push(err25);
            }
            errors++;
          }
          if (typeof data10 == "number" && isFinite(data10)) {
            if (data10 < 0 || isNaN(data10)) {
              const err26 = {
                instancePath: instancePath + "/contentRef/bytes",
                schemaPath: "#/properties/contentRef/properties/bytes/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err26];
              } else {
                vErrors.push(err26);
              }
              errors++;
            }
          }
        }
        if (data7.sha256 !== undefined) {
          if (typeof data7.sha256 !== "string") {
            const err27 = {
              instancePath: instancePath + "/contentRef/sha256",
              schemaPath: "#/properties/contentRef/properties/sha256/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err27];
            } else {
              vErrors.push(err27);
            }
            errors++;
          }
        }
      } else {
        const err28 = {
          instancePath: instancePath + "/contentRef",
          schemaPath: "#/properties/contentRef/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err28];
        } else {
          vErrors.push(err28);
        }
        errors++;
      }
    }
    if (data.provider !== undefined) {
      if (typeof data.provider !== "string") {
        const err29 = {
          instancePath: instancePath + "/provider",
          schemaPath: "#/properties/provider/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err29];
        } else {
          vErrors.push(err29);
        }
        errors++;
      }
    }
    if (data.model !== undefined) {
      if (typeof data.model !== "string") {
        const err30 = {
          instancePath: instancePath + "/model",
          schemaPath: "#/properties/model/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err30];
        } else {
          vErrors.push(err30);
        }
        errors++;
      }
    }
    if (data.usage !== undefined) {
      let data14 = data.usage;
      if (data14 && typeof data14 == "object" && !Array.isArray(data14)) {
        if (data14.inputTokens === undefined) {
          const err31 = {
            instancePath: instancePath + "/usage",
            schemaPath: "#/properties/usage/required",
            keyword: "required",
            params: { missingProperty: "inputTokens" },
            message: "must have required property '" + "inputTokens" + "'",
          };
          if (vErrors === null) {
            vErrors = [err31];
          } else {
            vErrors.push(err31);
          }
          errors++;
        }
        if (data14.outputTokens === undefined) {
          const err32 = {
            instancePath: instancePath + "/usage",
            schemaPath: "#/properties/usage/required",
            keyword: "required",
            params: { missingProperty: "outputTokens" },
            message: "must have required property '" + "outputTokens" + "'",
          };
          if (vErrors === null) {
            vErrors = [err32];
          } else {
            vErrors.push(err32);
          }
          errors++;
        }
        for (const key2 in data14) {
          if (!(key2 === "inputTokens" || key2 === "outputTokens")) {
            const err33 = {
              instancePath: instancePath + "/usage",
              schemaPath: "#/properties/usage/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key2 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err33];
            } else {
              vErrors.push(err33);
            }
            errors++;
          }
        }
        if (data14.inputTokens !== undefined) {
          let data15 = data14.inputTokens;
          if (!(typeof data15 == "number" && !(data15 % 1) && !isNaN(data15) && isFinite(data15))) {
            const err34 = {
              instancePath: instancePath + "/usage/inputTokens",
              schemaPath: "#/properties/usage/properties/inputTokens/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err34];
            } else {
              vErrors.push(err34);
            }
            errors++;
          }
          if (typeof data15 == "number" && isFinite(data15)) {
            if (data15 < 0 || isNaN(data15)) {
              const err35 = {
                instancePath: instancePath + "/usage/inputTokens",
                schemaPath: "#/properties/usage/properties/inputTokens/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err35];
              } else {
                vErrors.push(err35);
              }
              errors++;
            }
          }
        }
        if (data14.outputTokens !== undefined) {
          let data16 = data14.outputTokens;
          if (!(typeof data16 == "number" && !(data16 % 1) && !isNaN(data16) && isFinite(data16))) {
            const err36 = {
              instancePath: instancePath + "/usage/outputTokens",
              schemaPath: "#/properties/usage/properties/outputTokens/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err36];
            } else {
              vErrors.push(err36);
            }
            errors++;
          }
          if (typeof data16 == "number" && isFinite(data16)) {
            if (data16 < 0 || isNaN(data16)) {
              const err37 = {
                instancePath: instancePath + "/usage/outputTokens",
                schemaPath: "#/properties/usage/properties/outputTokens/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err37];
              } else {
                vErrors.push(err37);
              }
              errors++;
            }
          }
        }
      } else {
        const err38 = {
          instancePath: instancePath + "/usage",
          schemaPath: "#/properties/usage/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err38];
        } else {
          vErrors.push(err38);
        }
        errors++;
      }
    }
    if (data.latencyMs !== undefined) {
      let data17 = data.latencyMs;
      if (typeof data17 == "number" && isFinite(data17)) {
        if (data17 < 0 || isNaN(data17)) {
          const err39 = {
            instancePath: instancePath + "/latencyMs",
            schemaPath: "#/properties/latencyMs/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err39];
          } else {
            vErrors.push(err39);
          }
          errors++;
        }
      } else {
        const err40 = {
          instancePath: instancePath + "/latencyMs",
          schemaPath: "#/properties/latencyMs/type",
          keyword: "type",
          params: { type: "number" },
          message: "must be number",
        };
        if (vErrors === null) {
          vErrors = [err40];
        } else {
          vErrors.push(err40);
        }
        errors++;
      }
    }
    if (data.promptHash !== undefined) {
      if (typeof data.promptHash !== "string") {
        const err41 = {
          instancePath: instancePath + "/promptHash",
          schemaPath: "#/properties/promptHash/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err41];
        } else {
          vErrors.push(err41);
        }
        errors++;
      }
    }
    if (data.historySeq !== undefined) {
      let data19 = data.historySeq;
      if (!(typeof data19 == "number" && !(data19 % 1) && !isNaN(data19) && isFinite(data19))) {
        const err42 = {
          instancePath: instancePath + "/historySeq",
          schemaPath: "#/properties/historySeq/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err42];
        } else {
          vErrors.push(err42);
        }
        errors++;
      }
      if (typeof data19 == "number" && isFinite(data19)) {
        if (data19 < 1 || isNaN(data19)) {
          const err43 = {
            instancePath: instancePath + "/historySeq",
            schemaPath: "#/properties/historySeq/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err43];
          } else {
            vErrors.push(err43);
          }
          errors++;
        }
      }
    }
    if (data.attempts !== undefined) {
      let data20 = data.attempts;
      if (!(typeof data20 == "number" && !(data20 % 1) && !isNaN(data20) && isFinite(data20))) {
        const err44 = {
          instancePath: instancePath + "/attempts",
          schemaPath: "#/properties/attempts/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err44];
        } else {
          vErrors.push(err44);
        }
        errors++;
      }
      if (typeof data20 == "number" && isFinite(data20)) {
        if (data20 < 1 || isNaN(data20)) {
          const err45 = {
            instancePath: instancePath + "/attempts",
            schemaPath: "#/properties/attempts/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err45];
          } else {
            vErrors.push(err45);
          }
          errors++;
        }
      }
    }
    if (data.error !== undefined) {
      let data21 = data.error;
      if (data21 && typeof data21 == "object" && !Array.isArray(data21)) {
        if (data21.kind === undefined) {
          const err46 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "kind" },
            message: "must have required property '" + "kind" + "'",
          };
          if (vErrors === null) {
            vErrors = [err46];
          } else {
            vErrors.push(err46);
          }
          errors++;
        }
        if (data21.message === undefined) {
          const err47 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "message" },
            message: "must have required property '" + "message" + "'",
          };
          if (vErrors === null) {
            vErrors = [err47];
          } else {
            vErrors.push(err47);
          }
          errors++;
        }
        for (const key3 in data21) {
          if (!(key3 === "kind" || key3 === "message" || key3 === "retryable")) {
            const err48 = {
              instancePath: instancePath + "/error",
              schemaPath: "#/properties/error/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key3 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err48];
            } else {
              vErrors.push(err48);
            }
            errors++;
          }
        }
        if (data21.kind !== undefined) {
          let data22 = data21.kind;
          if (typeof data22 === "string") {
            if (func2(data22) < 1) {
              const err49 = {
                instancePath: instancePath + "/error/kind",
                schemaPath: "#/properties/error/properties/kind/minLength",
                keyword: "minLength",
                params: { limit: 1 },
                message: "must NOT have fewer than 1 characters",
              };
              if (vErrors === null) {
                vErrors = [err49];
              } else {
                vErrors.push(err49);
              }
              errors++;
            }
          } else {
            const err50 = {
              instancePath: instancePath + "/error/kind",
              schemaPath: "#/properties/error/properties/kind/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err50];
            } else {
              vErrors.push(err50);
            }
            errors++;
          }
        }
        if (data21.message !== undefined) {
          if (typeof data21.message !== "string") {
            const err51 = {
              instancePath: instancePath + "/error/message",
              schemaPath: "#/properties/error/properties/message/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err51];
            } else {
              vErrors.push(err51);
            }
            errors++;
          }
        }
        if (data21.retryable !== undefined) {
          if (typeof data21.retryable !== "boolean") {
            const err52 = {
              instancePath: instancePath + "/error/retryable",
              schemaPath: "#/properties/error/properties/retryable/type",
              keyword: "type",
              params: { type: "boolean" },
              message: "must be boolean",
            };
            if (vErrors === null) {
              vErrors = [err52];
            } else {
              vErrors.push(err52);
            }
            errors++;
          }
        }
      } else {
        const err53 = {
          instancePath: instancePath + "/error",
          schemaPath: "#/properties/error/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err53];
        } else {
          vErrors.push(err53);
        }
        errors++;
      }
    }
  } else {
    const err54 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err54];
    } else {
      vErrors.push(err54);
    }
    errors++;
  }
  validate48.errors = vErrors;
  return errors === 0;
}
validate48.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const ToolAmbiguous = validate49;
const schema61 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/tool-ambiguous.v1.schema.json",
  title: "ToolAmbiguous",
  description:
    "Round <round> of a call was started and left no result, and the tool cannot say whether its effect landed (irreversible, or a reconcile that could not answer): on <prefix>.run.<runId>.evt.ambiguous.<turn>.<index>.<round>.<tool> (once per round). The run waits for a human's decision on <prefix>.run.<runId>.evt.approval.<turn>.<index>.<round>.",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "turn", "index", "round", "callId", "tool", "effect", "reason", "at"],
  properties: {
    v: { const: 1 },
    type: { const: "tool.ambiguous" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    turn: { type: "integer", minimum: 1 },
    index: { type: "integer", minimum: 0 },
    round: { type: "integer", minimum: 0 },
    callId: { type: "string" },
    tool: { type: "string" },
    effect: { enum: ["reconcile", "irreversible"] },
    reason: { type: "string", description: "Why the outcome is unknown, in words." },
    at: { type: "string" },
  },
};
function validate49(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/tool-ambiguous.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate49.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.index === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "index" },
        message: "must have required property '" + "index" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.round === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "round" },
        message: "must have required property '" + "round" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.callId === undefined) {
      const err6 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "callId" },
        message: "must have required property '" + "callId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    if (data.tool === undefined) {
      const err7 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "tool" },
        message: "must have required property '" + "tool" + "'",
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    if (data.effect === undefined) {
      const err8 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "effect" },
        message: "must have required property '" + "effect" + "'",
      };
      if (vErrors === null) {
        vErrors = [err8];
      } else {
        vErrors.push(err8);
      }
      errors++;
    }
    if (data.reason === undefined) {
      const err9 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "reason" },
        message: "must have required property '" + "reason" + "'",
      };
      if (vErrors === null) {
        vErrors = [err9];
      } else {
        vErrors.push(err9);
      }
      errors++;
    }
    if (data.at === undefined) {
      const err10 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "at" },
        message: "must have required property '" + "at" + "'",
      };
      if (vErrors === null) {
        vErrors = [err10];
      } else {
        vErrors.push(err10);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema61.properties, key0)) {
        const err11 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err12 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("tool.ambiguous" !== data.type) {
        const err13 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "tool.ambiguous" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err14 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err14];
          } else {
            vErrors.push(err14);
          }
          errors++;
        }
      } else {
        const err15 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
    }
    if (data.turn !== undefined) {
      let data3 = data.turn;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err16 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err16];
        } else {
          vErrors.push(err16);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 1 || isNaN(data3)) {
          const err17 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err17];
          } else {
            vErrors.push(err17);
          }
          errors++;
        }
      }
    }
    if (data.index !== undefined) {
      let data4 = data.index;
      if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
        const err18 = {
          instancePath: instancePath + "/index",
          schemaPath: "#/properties/index/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err18];
        } else {
          vErrors.push(err18);
        }
        errors++;
      }
      if (typeof data4 == "number" && isFinite(data4)) {
        if (data4 < 0 || isNaN(data4)) {
          const err19 = {
            instancePath: instancePath + "/index",
            schemaPath: "#/properties/index/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err19];
          } else {
            vErrors.push(err19);
          }
          errors++;
        }
      }
    }
    if (data.round !== undefined) {
      let data5 = data.round;
      if (!(typeof data5 == "number" && !(data5 % 1) && !isNaN(data5) && isFinite(data5))) {
        const err20 = {
          instancePath: instancePath + "/round",
          schemaPath: "#/properties/round/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err20];
        } else {
          vErrors.push(err20);
        }
        errors++;
      }
      if (typeof data5 == "number" && isFinite(data5)) {
        if (data5 < 0 || isNaN(data5)) {
          const err21 = {
            instancePath: instancePath + "/round",
            schemaPath: "#/properties/round/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err21];
          } else {
            vErrors.push(err21);
          }
          errors++;
        }
      }
    }
    if (data.callId !== undefined) {
      if (typeof data.callId !== "string") {
        const err22 = {
          instancePath: instancePath + "/callId",
          schemaPath: "#/properties/callId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err22];
        } else {
          vErrors.push(err22);
        }
        errors++;
      }
    }
    if (data.tool !== undefined) {
      if (typeof data.tool !== "string") {
        const err23 = {
          instancePath: instancePath + "/tool",
          schemaPath: "#/properties/tool/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err23];
        } else {
          vErrors.push(err23);
        }
        errors++;
      }
    }
    if (data.effect !== undefined) {
      let data8 = data.effect;
      if (!(data8 === "reconcile" || data8 === "irreversible")) {
        const err24 = {
          instancePath: instancePath + "/effect",
          schemaPath: "#/properties/effect/enum",
          keyword: "enum",
          params: { allowedValues: schema61.properties.effect.enum },
          message: "must be equal to one of the allowed values",
        };
        if (vErrors === null) {
          vErrors = [err24];
        } else {
          vErrors.push(err24);
        }
        errors++;
      }
    }
    if (data.reason !== undefined) {
      if (typeof data.reason !== "string") {
        const err25 = {
          instancePath: instancePath + "/reason",
          schemaPath: "#/properties/reason/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err25];
        } else {
          vErrors.push(err25);
        }
        errors++;
      }
    }
    if (data.at !== undefined) {
      if (typeof data.at !== "string") {
        const err26 = {
          instancePath: instancePath + "/at",
          schemaPath: "#/properties/at/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err26];
        } else {
          vErrors.push(err26);
        }
        errors++;
      }
    }
  } else {
    const err27 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err27];
    } else {
      vErrors.push(err27);
    }
    errors++;
  }
  validate49.errors = vErrors;
  return errors === 0;
}
validate49.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const ToolCommand = validate50;
const schema62 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/tool-command.v1.schema.json",
  title: "ToolCommand",
  description: "Asks a tool-runner to execute one tool call, on <prefix>.run.<runId>.cmd.tool.<turn>.<index>.<tool>.",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "turn", "index", "callId", "tool", "arguments", "idempotencyKey", "historySeq"],
  properties: {
    v: { const: 1 },
    type: { const: "tool.command" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    turn: { type: "integer", minimum: 1 },
    index: { type: "integer", minimum: 0 },
    callId: { type: "string" },
    tool: { type: "string" },
    arguments: { type: "string" },
    idempotencyKey: { type: "string", description: "Stable across redeliveries and crashes: <runId>:<turn>:<index>." },
    historySeq: { type: "integer", minimum: 1 },
  },
};
function validate50(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/tool-command.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate50.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.index === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "index" },
        message: "must have required property '" + "index" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.callId === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "callId" },
        message: "must have required property '" + "callId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.tool === undefined) {
      const err6 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "tool" },
        message: "must have required property '" + "tool" + "'",
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    if (data.arguments === undefined) {
      const err7 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "arguments" },
        message: "must have required property '" + "arguments" + "'",
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    if (data.idempotencyKey === undefined) {
      const err8 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "idempotencyKey" },
        message: "must have required property '" + "idempotencyKey" + "'",
      };
      if (vErrors === null) {
        vErrors = [err8];
      } else {
        vErrors.push(err8);
      }
      errors++;
    }
    if (data.historySeq === undefined) {
      const err9 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "historySeq" },
        message: "must have required property '" + "historySeq" + "'",
      };
      if (vErrors === null) {
        vErrors = [err9];
      } else {
        vErrors.push(err9);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema62.properties, key0)) {
        const err10 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err11 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("tool.command" !== data.type) {
        const err12 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "tool.command" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err13 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err13];
          } else {
            vErrors.push(err13);
          }
          errors++;
        }
      } else {
        const err14 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
    }
    if (data.turn !== undefined) {
      let data3 = data.turn;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err15 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 1 || isNaN(data3)) {
          const err16 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err16];
          } else {
            vErrors.push(err16);
          }
          errors++;
        }
      }
    }
    if (data.index !== undefined) {
      let data4 = data.index;
      if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
        const err17 = {
          instancePath: instancePath + "/index",
          schemaPath: "#/properties/index/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err17];
        } else {
          vErrors.push(err17);
        }
        errors++;
      }
      if (typeof data4 == "number" && isFinite(data4)) {
        if (data4 < 0 || isNaN(data4)) {
          const err18 = {
            instancePath: instancePath + "/index",
            schemaPath: "#/properties/index/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err18];
          } else {
            vErrors.push(err18);
          }
          errors++;
        }
      }
    }
    if (data.callId !== undefined) {
      if (typeof data.callId !== "string") {
        const err19 = {
          instancePath: instancePath + "/callId",
          schemaPath: "#/properties/callId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err19];
        } else {
          vErrors.push(err19);
        }
        errors++;
      }
    }
    if (data.tool !== undefined) {
      if (typeof data.tool !== "string") {
        const err20 = {
          instancePath: instancePath + "/tool",
          schemaPath: "#/properties/tool/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err20];
        } else {
          vErrors.push(err20);
        }
        errors++;
      }
    }
    if (data.arguments !== undefined) {
      if (typeof data.arguments !== "string") {
        const err21 = {
          instancePath: instancePath + "/arguments",
          schemaPath: "#/properties/arguments/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err21];
        } else {
          vErrors.push(err21);
        }
        errors++;
      }
    }
    if (data.idempotencyKey !== undefined) {
      if (typeof data.idempotencyKey !== "string") {
        const err22 = {
          instancePath: instancePath + "/idempotencyKey",
          schemaPath: "#/properties/idempotencyKey/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err22];
        } else {
          vErrors.push(err22);
        }
        errors++;
      }
    }
    if (data.historySeq !== undefined) {
      let data9 = data.historySeq;
      if (!(typeof data9 == "number" && !(data9 % 1) && !isNaN(data9) && isFinite(data9))) {
        const err23 = {
          instancePath: instancePath + "/historySeq",
          schemaPath: "#/properties/historySeq/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err23];
        } else {
          vErrors.push(err23);
        }
        errors++;
      }
      if (typeof data9 == "number" && isFinite(data9)) {
        if (data9 < 1 || isNaN(data9)) {
          const err24 = {
            instancePath: instancePath + "/historySeq",
            schemaPath: "#/properties/historySeq/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err24];
          } else {
            vErrors.push(err24);
          }
          errors++;
        }
      }
    }
  } else {
    const err25 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err25];
    } else {
      vErrors.push(err25);
    }
    errors++;
  }
  validate50.errors = vErrors;
  return errors === 0;
}
validate50.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const ToolRegistration = validate51;
const schema63 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/tool-registration.v1.schema.json",
  title: "ToolRegistration",
  description:
    "A tool's public spec, put in the <prefix>_tools KV bucket by every tool-runner that serves it; the planner snapshots these specs into each run at submission.",
  type: "object",
  additionalProperties: false,
  required: ["v", "name", "description", "inputSchema", "registeredAt"],
  properties: {
    v: { const: 1 },
    name: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    description: { type: "string" },
    inputSchema: { type: "object", additionalProperties: true },
    registeredAt: { type: "string" },
    registeredBy: { type: "string" },
    requiresApproval: { type: "boolean" },
  },
};
function validate51(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/tool-registration.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate51.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.name === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "name" },
        message: "must have required property '" + "name" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.description === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "description" },
        message: "must have required property '" + "description" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.inputSchema === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "inputSchema" },
        message: "must have required property '" + "inputSchema" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.registeredAt === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "registeredAt" },
        message: "must have required property '" + "registeredAt" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(
        key0 === "v" ||
        key0 === "name" ||
        key0 === "description" ||
        key0 === "inputSchema" ||
        key0 === "registeredAt" ||
        key0 === "registeredBy" ||
        key0 === "requiresApproval"
      )) {
        const err5 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err6 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.name !== undefined) {
      let data1 = data.name;
      if (typeof data1 === "string") {
        if (!pattern4.test(data1)) {
          const err7 = {
            instancePath: instancePath + "/name",
            schemaPath: "#/properties/name/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err7];
          } else {
            vErrors.push(err7);
          }
          errors++;
        }
      } else {
        const err8 = {
          instancePath: instancePath + "/name",
          schemaPath: "#/properties/name/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.description !== undefined) {
      if (typeof data.description !== "string") {
        const err9 = {
          instancePath: instancePath + "/description",
          schemaPath: "#/properties/description/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.inputSchema !== undefined) {
      let data3 = data.inputSchema;
      if (data3 && typeof data3 == "object" && !Array.isArray(data3)) {
      } else {
        const err10 = {
          instancePath: instancePath + "/inputSchema",
          schemaPath: "#/properties/inputSchema/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.registeredAt !== undefined) {
      if (typeof data.registeredAt !== "string") {
        const err11 = {
          instancePath: instancePath + "/registeredAt",
          schemaPath: "#/properties/registeredAt/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.registeredBy !== undefined) {
      if (typeof data.registeredBy !== "string") {
        const err12 = {
          instancePath: instancePath + "/registeredBy",
          schemaPath: "#/properties/registeredBy/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
    if (data.requiresApproval !== undefined) {
      if (typeof data.requiresApproval !== "boolean") {
        const err13 = {
          instancePath: instancePath + "/requiresApproval",
          schemaPath: "#/properties/requiresApproval/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
  } else {
    const err14 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err14];
    } else {
      vErrors.push(err14);
    }
    errors++;
  }
  validate51.errors = vErrors;
  return errors === 0;
}
validate51.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const ToolResult = validate52;
const schema64 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/tool-result.v1.schema.json",
  title: "ToolResult",
  description:
    "The recorded result of one tool call, on <prefix>.run.<runId>.evt.tool.<turn>.<index> (at most one per call, ever).",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "turn", "index", "callId", "tool", "ok", "attempts"],
  properties: {
    v: { const: 1 },
    type: { const: "tool.result" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    turn: { type: "integer", minimum: 1 },
    index: { type: "integer", minimum: 0 },
    callId: { type: "string" },
    tool: { type: "string" },
    ok: { type: "boolean" },
    output: { type: "string" },
    outputRef: {
      type: "object",
      additionalProperties: false,
      required: ["bucket", "name", "bytes", "sha256"],
      properties: {
        bucket: { type: "string" },
        name: { type: "string" },
        bytes: { type: "integer", minimum: 0 },
        sha256: { type: "string" },
      },
      description:
        "The full text is in the payload stream (<PREFIX>_PAYLOADS, chunks <prefix>.payload.<runId>.<sha256>.<n>): it was larger than CAIRN_LARGE_PAYLOAD_BYTES; the inline field holds a preview.",
    },
    error: {
      type: "object",
      additionalProperties: false,
      required: ["kind", "message"],
      properties: {
        kind: { type: "string", minLength: 1 },
        message: { type: "string" },
        retryable: { type: "boolean" },
      },
    },
    attempts: { type: "integer", minimum: 1 },
    durationMs: { type: "number", minimum: 0 },
    idempotencyKey: { type: "string" },
    childRunId: { type: "string", description: "For a sub-agent call: the child run whose outcome this is." },
    reconciled: {
      type: "boolean",
      description:
        "The outcome of a call whose earlier run left no result, as the tool's reconcile() answered it (the effect had landed): the tool was not run again.",
    },
    recordedBy: {
      type: "string",
      description:
        "A result a human recorded by hand for a call whose outcome was ambiguous (cairn approve --result): who (their authenticated identity).",
    },
  },
};
function validate52(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/tool-result.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate52.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.index === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "index" },
        message: "must have required property '" + "index" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.callId === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "callId" },
        message: "must have required property '" + "callId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.tool === undefined) {
      const err6 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "tool" },
        message: "must have required property '" + "tool" + "'",
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    if (data.ok === undefined) {
      const err7 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "ok" },
        message: "must have required property '" + "ok" + "'",
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    if (data.attempts === undefined) {
      const err8 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "attempts" },
        message: "must have required property '" + "attempts" + "'",
      };
      if (vErrors === null) {
        vErrors = [err8];
      } else {
        vErrors.push(err8);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema64.properties, key0)) {
        const err9 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err10 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("tool.result" !== data.type) {
        const err11 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "tool.result" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err12 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      } else {
        const err13 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (data.turn !== undefined) {
      let data3 = data.turn;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err14 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 1 || isNaN(data3)) {
          const err15 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err15];
          } else {
            vErrors.push(err15);
          }
          errors++;
        }
      }
    }
    if (data.index !== undefined) {
      let data4 = data.index;
      if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
        const err16 = {
          instancePath: instancePath + "/index",
          schemaPath: "#/properties/index/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err16];
        } else {
          vErrors.push(err16);
        }
        errors++;
      }
      if (typeof data4 == "number" && isFinite(data4)) {
        if (data4 < 0 || isNaN(data4)) {
          const err17 = {
            instancePath: instancePath + "/index",
            schemaPath: "#/properties/index/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err17];
          } else {
            vErrors.push(err17);
          }
          errors++;
        }
      }
    }
    if (data.callId !== undefined) {
      if (typeof data.callId !== "string") {
        const err18 = {
          instancePath: instancePath + "/callId",
          schemaPath: "#/properties/callId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err18];
        } else {
          vErrors.push(err18);
        }
        errors++;
      }
    }
    if (data.tool !== undefined) {
      if (typeof data.tool !== "string") {
        const err19 = {
          instancePath: instancePath + "/tool",
          schemaPath: "#/properties/tool/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err19];
        } else {
          vErrors.push(err19);
        }
        errors++;
      }
    }
    if (data.ok !== undefined) {
      if (typeof data.ok !== "boolean") {
        const err20 = {
          instancePath: instancePath + "/ok",
          schemaPath: "#/properties/ok/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err20];
        } else {
          vErrors.push(err20);
        }
        errors++;
      }
    }
    if (data.output !== undefined) {
      if (typeof data.output !== "string") {
        const err21 = {
          instancePath: instancePath + "/output",
          schemaPath: "#/properties/output/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err21];
        } else {
          vErrors.push(err21);
        }
        errors++;
      }
    }
    if (data.outputRef !== undefined) {
      let data9 = data.outputRef;
      if (data9 && typeof data9 == "object" && !Array.isArray(data9)) {
        if (data9.bucket === undefined) {
          const err22 = {
            instancePath: instancePath + "/outputRef",
            schemaPath: "#/properties/outputRef/required",
            keyword: "required",
            params: { missingProperty: "bucket" },
            message: "must have required property '" + "bucket" + "'",
          };
          if (vErrors === null) {
            vErrors = [err22];
          } else {
            vErrors.push(err22);
          }
          errors++;
        }
        if (data9.name === undefined) {
          const err23 = {
            instancePath: instancePath + "/outputRef",
            schemaPath: "#/properties/outputRef/required",
            keyword: "required",
            params: { missingProperty: "name" },
            message: "must have required property '" + "name" + "'",
          };
          if (vErrors === null) {
            vErrors = [err23];
          } else {
            vErrors.push(err23);
          }
          errors++;
        }
        if (data9.bytes === undefined) {
          const err24 = {
            instancePath: instancePath + "/outputRef",
            schemaPath: "#/properties/outputRef/required",
            keyword: "required",
            params: { missingProperty: "bytes" },
            message: "must have required property '" + "bytes" + "'",
          };
          if (vErrors === null) {
            vErrors = [err24];
          } else {
            vErrors.push(err24);
          }
          errors++;
        }
        if (data9.sha256 === undefined) {
          const err25 = {
            instancePath: instancePath + "/outputRef",
            schemaPath: "#/properties/outputRef/required",
            keyword: "required",
            params: { missingProperty: "sha256" },
            message: "must have required property '" + "sha256" + "'",
          };
          if (vErrors === null) {
            vErrors = [err25];
          } else {
            vErrors.push(err25);
          }
          errors++;
        }
        for (const key1 in data9) {
          if (!(key1 === "bucket" || key1 === "name" || key1 === "bytes" || key1 === "sha256")) {
            const err26 = {
              instancePath: instancePath + "/outputRef",
              schemaPath: "#/properties/outputRef/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key1 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err26];
            } else {
              vErrors.push(err26);
            }
            errors++;
          }
        }
        if (data9.bucket !== undefined) {
          if (typeof data9.bucket !== "string") {
            const err27 = {
              instancePath: instancePath + "/outputRef/bucket",
              schemaPath: "#/properties/outputRef/properties/bucket/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err27];
            } else {
              vErrors.push(err27);
            }
            errors++;
          }
        }
        if (data9.name !== undefined) {
          if (typeof data9.name !== "string") {
            const err28 = {
              instancePath: instancePath + "/outputRef/name",
              schemaPath: "#/properties/outputRef/properties/name/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err28];
            } else {
              vErrors.push(err28);
            }
            errors++;
          }
        }
        if (data9.bytes !== undefined) {
          let data12 = data9.bytes;
          if (!(typeof data12 == "number" && !(data12 % 1) && !isNaN(data12) && isFinite(data12))) {
            const err29 = {
              instancePath: instancePath + "/outputRef/bytes",
              schemaPath: "#/properties/outputRef/properties/bytes/type",
              keyword: "type",
              params: { type: "integer" },
              message: "must be integer",
            };
            if (vErrors === null) {
              vErrors = [err29];
            } else {
              vErrors.push(err29);
            }
            errors++;
          }
          if (typeof data12 == "number" && isFinite(data12)) {
            if (data12 < 0 || isNaN(data12)) {
              const err30 = {
                instancePath: instancePath + "/outputRef/bytes",
                schemaPath: "#/properties/outputRef/properties/bytes/minimum",
                keyword: "minimum",
                params: { comparison: ">=", limit: 0 },
                message: "must be >= 0",
              };
              if (vErrors === null) {
                vErrors = [err30];
              } else {
                vErrors.push(err30);
              }
              errors++;
            }
          }
        }
        if (data9.sha256 !== undefined) {
          if (typeof data9.sha256 !== "string") {
            const err31 = {
              instancePath: instancePath + "/outputRef/sha256",
              schemaPath: "#/properties/outputRef/properties/sha256/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err31];
            } else {
              vErrors.push(err31);
            }
            errors++;
          }
        }
      } else {
        const err32 = {
          instancePath: instancePath + "/outputRef",
          schemaPath: "#/properties/outputRef/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err32];
        } else {
          vErrors.push(err32);
        }
        errors++;
      }
    }
    if (data.error !== undefined) {
      let data14 = data.error;
      if (data14 && typeof data14 == "object" && !Array.isArray(data14)) {
        if (data14.kind === undefined) {
          const err33 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "kind" },
            message: "must have required property '" + "kind" + "'",
          };
          if (vErrors === null) {
            vErrors = [err33];
          } else {
            vErrors.push(err33);
          }
          errors++;
        }
        if (data14.message === undefined) {
          const err34 = {
            instancePath: instancePath + "/error",
            schemaPath: "#/properties/error/required",
            keyword: "required",
            params: { missingProperty: "message" },
            message: "must have required property '" + "message" + "'",
          };
          if (vErrors === null) {
            vErrors = [err34];
          } else {
            vErrors.push(err34);
          }
          errors++;
        }
        for (const key2 in data14) {
          if (!(key2 === "kind" || key2 === "message" || key2 === "retryable")) {
            const err35 = {
              instancePath: instancePath + "/error",
              schemaPath: "#/properties/error/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key2 },
              message: "must NOT have additional properties",
            };
            if (vErrors === null) {
              vErrors = [err35];
            } else {
              vErrors.push(err35);
            }
            errors++;
          }
        }
        if (data14.kind !== undefined) {
          let data15 = data14.kind;
          if (typeof data15 === "string") {
            if (func2(data15) < 1) {
              const err36 = {
                instancePath: instancePath + "/error/kind",
                schemaPath: "#/properties/error/properties/kind/minLength",
                keyword: "minLength",
                params: { limit: 1 },
                message: "must NOT have fewer than 1 characters",
              };
              if (vErrors === null) {
                vErrors = [err36];
              } else {
                vErrors.push(err36);
              }
              errors++;
            }
          } else {
            const err37 = {
              instancePath: instancePath + "/error/kind",
              schemaPath: "#/properties/error/properties/kind/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err37];
            } else {
              vErrors.push(err37);
            }
            errors++;
          }
        }
        if (data14.message !== undefined) {
          if (typeof data14.message !== "string") {
            const err38 = {
              instancePath: instancePath + "/error/message",
              schemaPath: "#/properties/error/properties/message/type",
              keyword: "type",
              params: { type: "string" },
              message: "must be string",
            };
            if (vErrors === null) {
              vErrors = [err38];
            } else {
              vErrors.push(err38);
            }
            errors++;
          }
        }
        if (data14.retryable !== undefined) {
          if (typeof data14.retryable !== "boolean") {
            const err39 = {
              instancePath: instancePath + "/error/retryable",
              schemaPath: "#/properties/error/properties/retryable/type",
              keyword: "type",
              params: { type: "boolean" },
              message: "must be boolean",
            };
            if (vErrors === null) {
              vErrors = [err39];
            } else {
              vErrors.push(err39);
            }
            errors++;
          }
        }
      } else {
        const err40 = {
          instancePath: instancePath + "/error",
          schemaPath: "#/properties/error/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
        };
        if (vErrors === null) {
          vErrors = [err40];
        } else {
          vErrors.push(err40);
        }
        errors++;
      }
    }
    if (data.attempts !== undefined) {
      let data18 = data.attempts;
      if (!(typeof data18 == "number" && !(data18 % 1) && !isNaN(data18) && isFinite(data18))) {
        const err41 = {
          instancePath: instancePath + "/attempts",
          schemaPath: "#/properties/attempts/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err41];
        } else {
          vErrors.push(err41);
        }
        errors++;
      }
      if (typeof data18 == "number" && isFinite(data18)) {
        if (data18 < 1 || isNaN(data18)) {
          const err42 = {
            instancePath: instancePath + "/attempts",
            schemaPath: "#/properties/attempts/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err42];
          } else {
            vErrors.push(err42);
          }
          errors++;
        }
      }
    }
    if (data.durationMs !== undefined) {
      let data19 = data.durationMs;
      if (typeof data19 == "number" && isFinite(data19)) {
        if (data19 < 0 || isNaN(data19)) {
          const err43 = {
            instancePath: instancePath + "/durationMs",
            schemaPath: "#/properties/durationMs/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err43];
          } else {
            vErrors.push(err43);
          }
          errors++;
        }
      } else {
        const err44 = {
          instancePath: instancePath + "/durationMs",
          schemaPath: "#/properties/durationMs/type",
          keyword: "type",
          params: { type: "number" },
          message: "must be number",
        };
        if (vErrors === null) {
          vErrors = [err44];
        } else {
          vErrors.push(err44);
        }
        errors++;
      }
    }
    if (data.idempotencyKey !== undefined) {
      if (typeof data.idempotencyKey !== "string") {
        const err45 = {
          instancePath: instancePath + "/idempotencyKey",
          schemaPath: "#/properties/idempotencyKey/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err45];
        } else {
          vErrors.push(err45);
        }
        errors++;
      }
    }
    if (data.childRunId !== undefined) {
      if (typeof data.childRunId !== "string") {
        const err46 = {
          instancePath: instancePath + "/childRunId",
          schemaPath: "#/properties/childRunId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err46];
        } else {
          vErrors.push(err46);
        }
        errors++;
      }
    }
    if (data.reconciled !== undefined) {
      if (typeof data.reconciled !== "boolean") {
        const err47 = {
          instancePath: instancePath + "/reconciled",
          schemaPath: "#/properties/reconciled/type",
          keyword: "type",
          params: { type: "boolean" },
          message: "must be boolean",
        };
        if (vErrors === null) {
          vErrors = [err47];
        } else {
          vErrors.push(err47);
        }
        errors++;
      }
    }
    if (data.recordedBy !== undefined) {
      if (typeof data.recordedBy !== "string") {
        const err48 = {
          instancePath: instancePath + "/recordedBy",
          schemaPath: "#/properties/recordedBy/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err48];
        } else {
          vErrors.push(err48);
        }
        errors++;
      }
    }
  } else {
    const err49 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err49];
    } else {
      vErrors.push(err49);
    }
    errors++;
  }
  validate52.errors = vErrors;
  return errors === 0;
}
validate52.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
export const ToolStarted = validate53;
const schema65 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cairn.dev/schemas/tool-started.v1.schema.json",
  title: "ToolStarted",
  description:
    "A tool-runner is about to run round <round> of a call to a tool whose effect is reconcile or irreversible, on <prefix>.run.<runId>.evt.started.<turn>.<index>.<round>.<tool> (once per round). A later delivery that finds it and no result knows the outcome is ambiguous.",
  type: "object",
  additionalProperties: false,
  required: ["v", "type", "runId", "turn", "index", "round", "callId", "tool", "effect", "attempt", "at"],
  properties: {
    v: { const: 1 },
    type: { const: "tool.started" },
    runId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
    turn: { type: "integer", minimum: 1 },
    index: { type: "integer", minimum: 0 },
    round: { type: "integer", minimum: 0, description: "0: the call's command; n: its n-th rerun a human asked for." },
    callId: { type: "string" },
    tool: { type: "string" },
    effect: { enum: ["reconcile", "irreversible"] },
    attempt: { type: "integer", minimum: 1, description: "The command's delivery that started it." },
    at: { type: "string" },
  },
};
function validate53(
  data,
  { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {},
) {
  /*# sourceURL="https://cairn.dev/schemas/tool-started.v1.schema.json" */ let vErrors = null;
  let errors = 0;
  const evaluated0 = validate53.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.v === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "v" },
        message: "must have required property '" + "v" + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.type === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "type" },
        message: "must have required property '" + "type" + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.runId === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "runId" },
        message: "must have required property '" + "runId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.turn === undefined) {
      const err3 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "turn" },
        message: "must have required property '" + "turn" + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.index === undefined) {
      const err4 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "index" },
        message: "must have required property '" + "index" + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.round === undefined) {
      const err5 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "round" },
        message: "must have required property '" + "round" + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.callId === undefined) {
      const err6 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "callId" },
        message: "must have required property '" + "callId" + "'",
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    if (data.tool === undefined) {
      const err7 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "tool" },
        message: "must have required property '" + "tool" + "'",
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    if (data.effect === undefined) {
      const err8 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "effect" },
        message: "must have required property '" + "effect" + "'",
      };
      if (vErrors === null) {
        vErrors = [err8];
      } else {
        vErrors.push(err8);
      }
      errors++;
    }
    if (data.attempt === undefined) {
      const err9 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "attempt" },
        message: "must have required property '" + "attempt" + "'",
      };
      if (vErrors === null) {
        vErrors = [err9];
      } else {
        vErrors.push(err9);
      }
      errors++;
    }
    if (data.at === undefined) {
      const err10 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "at" },
        message: "must have required property '" + "at" + "'",
      };
      if (vErrors === null) {
        vErrors = [err10];
      } else {
        vErrors.push(err10);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func1.call(schema65.properties, key0)) {
        const err11 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.v !== undefined) {
      if (1 !== data.v) {
        const err12 = {
          instancePath: instancePath + "/v",
          schemaPath: "#/properties/v/const",
          keyword: "const",
          params: { allowedValue: 1 },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
    if (data.type !== undefined) {
      if ("tool.started" !== data.type) {
        const err13 = {
          instancePath: instancePath + "/type",
          schemaPath: "#/properties/type/const",
          keyword: "const",
          params: { allowedValue: "tool.started" },
          message: "must be equal to constant",
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (data.runId !== undefined) {
      let data2 = data.runId;
      if (typeof data2 === "string") {
        if (!pattern4.test(data2)) {
          const err14 = {
            instancePath: instancePath + "/runId",
            schemaPath: "#/properties/runId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]{1,64}$" + '"',
          };
          if (vErrors === null) {
            vErrors = [err14];
          } else {
            vErrors.push(err14);
          }
          errors++;
        }
      } else {
        const err15 = {
          instancePath: instancePath + "/runId",
          schemaPath: "#/properties/runId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
    }
    if (data.turn !== undefined) {
      let data3 = data.turn;
      if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
        const err16 = {
          instancePath: instancePath + "/turn",
          schemaPath: "#/properties/turn/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err16];
        } else {
          vErrors.push(err16);
        }
        errors++;
      }
      if (typeof data3 == "number" && isFinite(data3)) {
        if (data3 < 1 || isNaN(data3)) {
          const err17 = {
            instancePath: instancePath + "/turn",
            schemaPath: "#/properties/turn/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err17];
          } else {
            vErrors.push(err17);
          }
          errors++;
        }
      }
    }
    if (data.index !== undefined) {
      let data4 = data.index;
      if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
        const err18 = {
          instancePath: instancePath + "/index",
          schemaPath: "#/properties/index/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err18];
        } else {
          vErrors.push(err18);
        }
        errors++;
      }
      if (typeof data4 == "number" && isFinite(data4)) {
        if (data4 < 0 || isNaN(data4)) {
          const err19 = {
            instancePath: instancePath + "/index",
            schemaPath: "#/properties/index/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err19];
          } else {
            vErrors.push(err19);
          }
          errors++;
        }
      }
    }
    if (data.round !== undefined) {
      let data5 = data.round;
      if (!(typeof data5 == "number" && !(data5 % 1) && !isNaN(data5) && isFinite(data5))) {
        const err20 = {
          instancePath: instancePath + "/round",
          schemaPath: "#/properties/round/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err20];
        } else {
          vErrors.push(err20);
        }
        errors++;
      }
      if (typeof data5 == "number" && isFinite(data5)) {
        if (data5 < 0 || isNaN(data5)) {
          const err21 = {
            instancePath: instancePath + "/round",
            schemaPath: "#/properties/round/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
          };
          if (vErrors === null) {
            vErrors = [err21];
          } else {
            vErrors.push(err21);
          }
          errors++;
        }
      }
    }
    if (data.callId !== undefined) {
      if (typeof data.callId !== "string") {
        const err22 = {
          instancePath: instancePath + "/callId",
          schemaPath: "#/properties/callId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err22];
        } else {
          vErrors.push(err22);
        }
        errors++;
      }
    }
    if (data.tool !== undefined) {
      if (typeof data.tool !== "string") {
        const err23 = {
          instancePath: instancePath + "/tool",
          schemaPath: "#/properties/tool/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err23];
        } else {
          vErrors.push(err23);
        }
        errors++;
      }
    }
    if (data.effect !== undefined) {
      let data8 = data.effect;
      if (!(data8 === "reconcile" || data8 === "irreversible")) {
        const err24 = {
          instancePath: instancePath + "/effect",
          schemaPath: "#/properties/effect/enum",
          keyword: "enum",
          params: { allowedValues: schema65.properties.effect.enum },
          message: "must be equal to one of the allowed values",
        };
        if (vErrors === null) {
          vErrors = [err24];
        } else {
          vErrors.push(err24);
        }
        errors++;
      }
    }
    if (data.attempt !== undefined) {
      let data9 = data.attempt;
      if (!(typeof data9 == "number" && !(data9 % 1) && !isNaN(data9) && isFinite(data9))) {
        const err25 = {
          instancePath: instancePath + "/attempt",
          schemaPath: "#/properties/attempt/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
        };
        if (vErrors === null) {
          vErrors = [err25];
        } else {
          vErrors.push(err25);
        }
        errors++;
      }
      if (typeof data9 == "number" && isFinite(data9)) {
        if (data9 < 1 || isNaN(data9)) {
          const err26 = {
            instancePath: instancePath + "/attempt",
            schemaPath: "#/properties/attempt/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
          };
          if (vErrors === null) {
            vErrors = [err26];
          } else {
            vErrors.push(err26);
          }
          errors++;
        }
      }
    }
    if (data.at !== undefined) {
      if (typeof data.at !== "string") {
        const err27 = {
          instancePath: instancePath + "/at",
          schemaPath: "#/properties/at/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
        };
        if (vErrors === null) {
          vErrors = [err27];
        } else {
          vErrors.push(err27);
        }
        errors++;
      }
    }
  } else {
    const err28 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
    };
    if (vErrors === null) {
      vErrors = [err28];
    } else {
      vErrors.push(err28);
    }
    errors++;
  }
  validate53.errors = vErrors;
  return errors === 0;
}
validate53.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
