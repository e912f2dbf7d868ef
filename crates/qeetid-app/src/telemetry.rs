//! Structured logs (tracing): human-readable or JSON, filtered by `log_level` or `RUST_LOG`;
//! colour codes only when stderr is a terminal. With `otlp_endpoint`, the same spans
//! (each request's, with its route and status) are exported as OpenTelemetry traces
//! over OTLP/HTTP (protobuf) in batches.

use std::io::IsTerminal as _;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Keeps the trace exporter alive; dropping it sends what is still buffered.
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Sends buffered spans now and stops exporting.
    pub fn shutdown(&mut self) {
        if let Some(provider) = self.traces.take()
            && let Err(e) = provider.shutdown()
        {
            eprintln!("qeetid: flushing traces to the OTLP endpoint failed: {e}");
        }
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The OTLP/HTTP traces URL for `endpoint`: as given when it names `/v1/traces`,
/// else with that path added (the OTLP specification's default for the base URL).
fn traces_url(endpoint: &str) -> String {
    let base = endpoint.trim_end_matches('/');
    if base.ends_with("/v1/traces") { base.to_owned() } else { format!("{base}/v1/traces") }
}

/// A tracer provider exporting to `endpoint` in batches. The exporter's HTTP client
/// blocks, so it is built (and later runs) on a thread of its own, never on the runtime.
fn trace_provider(endpoint: &str) -> Result<SdkTracerProvider, String> {
    let url = traces_url(endpoint);
    let built = std::thread::spawn(move || {
        opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(url)
            .build()
            .map_err(|e| e.to_string())
    })
    .join()
    .map_err(|_| "the exporter could not be built".to_owned())??;
    let resource = Resource::builder()
        .with_service_name("qeetid")
        .with_attribute(opentelemetry::KeyValue::new("service.version", env!("CARGO_PKG_VERSION")))
        .build();
    Ok(SdkTracerProvider::builder().with_batch_exporter(built).with_resource(resource).build())
}

/// Installs the global subscriber. Call once, from the binary; keep the answer for
/// the life of the process. `otlp_endpoint` empty: no traces.
pub fn init(format: &str, level: &str, otlp_endpoint: &str) -> Telemetry {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    // Colours only for a person at a terminal: a file or a log collector gets plain text.
    let ansi = std::io::stderr().is_terminal();
    let json = format == "json";
    let json_layer = json.then(|| {
        tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(ansi).json().flatten_event(true)
    });
    let text_layer = (!json).then(|| tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(ansi));
    let (provider, trouble) = match otlp_endpoint.trim() {
        "" => (None, None),
        endpoint => match trace_provider(endpoint) {
            Ok(provider) => (Some(provider), None),
            Err(e) => (None, Some(format!("otlp_endpoint {endpoint}: {e}; traces are off"))),
        },
    };
    let otel_layer = provider.as_ref().map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("qeetid")));
    let result =
        tracing_subscriber::registry().with(filter).with(json_layer).with(text_layer).with(otel_layer).try_init();
    if let Err(e) = result {
        eprintln!("logging was already initialised: {e}");
    }
    if let Some(trouble) = trouble {
        tracing::error!("{trouble}");
    }
    Telemetry { traces: provider }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_traces_path_is_added_to_a_base_endpoint() {
        assert_eq!(traces_url("http://collector:4318"), "http://collector:4318/v1/traces");
        assert_eq!(traces_url("http://collector:4318/"), "http://collector:4318/v1/traces");
        assert_eq!(traces_url("https://otel.example/v1/traces"), "https://otel.example/v1/traces");
    }
}
