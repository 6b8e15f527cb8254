/**
 * The OpenTelemetry SDK for a Cairn service process, configured by the standard `OTEL_*`
 * variables: OTLP over HTTP (protobuf or JSON) or gRPC, or the console. Services call
 * `startTracing` first thing and `shutdownTracing` last. Applications that use @cairn/client do
 * not need this package: the client speaks the OpenTelemetry API only (@cairn/telemetry) and
 * joins whatever SDK the application registered.
 */
export { OTEL_VARIABLES, shutdownTracing, startTracing, tracingChoice, TracingConfigError } from "./tracing.js";
export type { OtlpProtocol, Tracing, TracingOptions } from "./tracing.js";
