// PluginTemplate: the files `rivulet plugins new` writes: a plugin that builds as-is, a manifest, input and expected output.

/// A new plugin named `name` (a C identifier: the library is `lib<name>.so`) with one operator, also
/// `name`, that keeps the records whose string field `field` equals `value` (both config keys,
/// declared and required). Each language gets the operator, a manifest running it on `input.csv`, the
/// output that run writes (`expected-output.csv`) and a README with the exact commands.
struct PluginTemplate {
    let name: String

    /// Whether `name` can be a plugin, operator and C identifier.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first >= "a" && first <= "z") else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") } && name.count <= 64
    }

    static let input = "id,status,amount\n1,paid,20\n2,open,5\n3,paid,7\n4,refunded,20\n"
    static let expectedOutput = "id,status,amount\n1,paid,20\n3,paid,7\n"

    /// The manifest, loading the plugin from `library` (a `plugins:` entry's body).
    func manifest(library: String) -> String {
        """
        # Runs the \(name) operator of the plugin in this folder on input.csv: the paid orders go to output.csv.
        plugins:
          mine: { \(library) }
        sources:
          orders: { type: file, path: input.csv, schema: { id: i64, status: string, amount: i64 } }
        operators:
          paid: { plugin: mine, operator: \(name), config: { field: status, value: paid } }
        sinks:
          out: { type: file, path: output.csv }
        edges: [orders -> paid, paid -> out]

        """
    }

    // MARK: C

    /// `<name>.c`: the operator, written against include/rivulet.h only.
    var cSource: String {
        """
        /* \(name).c — a Rivulet plugin: the operator '\(name)' keeps the records whose string field
         * `field` equals `value` (config). Build: rivulet plugins build \(name).c -o lib\(name).so */
        #include <stdlib.h>
        #include <string.h>

        #include "rivulet.h"

        typedef struct keep_state {
            int32_t field;     /* the input field compared */
            char *value;       /* the value records must have */
            size_t value_len;
        } keep_state;

        static rv_status keep_create(const rv_host_api *api, rv_context *ctx, void **out) {
            const char *field = api->config_get(ctx, "field");
            const char *value = api->config_get(ctx, "value");
            int32_t index = api->input_field_index(ctx, 0, field);
            if (index < 0) {
                api->report_error(ctx, RV_FATAL, -1, "\(name): config 'field' does not name a field of the input");
                return RV_FATAL;
            }
            keep_state *s = calloc(1, sizeof *s);
            if (!s) return RV_FATAL;
            s->field = index;
            s->value_len = strlen(value);
            s->value = malloc(s->value_len + 1);
            if (!s->value) {
                free(s);
                return RV_FATAL;
            }
            memcpy(s->value, value, s->value_len + 1);
            *out = s;
            return RV_OK;
        }

        static void keep_destroy(const rv_host_api *api, rv_context *ctx, void *instance) {
            keep_state *s = instance;
            free(s->value);
            free(s);
        }

        static rv_status keep_process(const rv_host_api *api, rv_context *ctx, void *instance, uint32_t port,
                                      const rv_batch *batch) {
            keep_state *s = instance;
            for (uint64_t i = 0; i < batch->count; i++) {
                const rv_field *f = &RV_BATCH_RECORD(batch, i)->fields[s->field];
                if (f->type != RV_TYPE_STRING || f->len != s->value_len || memcmp(f->value.ptr, s->value, f->len) != 0) continue;
                rv_status st = api->forward(ctx, 0, batch, i);
                if (st != RV_OK) return st;
            }
            return RV_OK;
        }

        static const rv_config_key keep_keys[] = {
            {"field", "the string field compared", RV_TYPE_STRING, 1},
            {"value", "the value a record's field must have to be kept", RV_TYPE_STRING, 1},
        };

        static const rv_operator_def keep_op = {
            .struct_size = sizeof(rv_operator_def),
            .flags = RV_OPERATOR_STATELESS,
            .name = "\(name)",
            .description = "Keeps the records whose field equals a value",
            .config_keys = keep_keys,
            .config_key_count = sizeof keep_keys / sizeof keep_keys[0],
            .create = keep_create,
            .destroy = keep_destroy,
            .process = keep_process,
        };

        static const rv_operator_def *const operators[] = {&keep_op};

        static const rv_plugin_descriptor descriptor = {
            .struct_size = sizeof descriptor,
            .abi_major = RV_ABI_MAJOR,
            .min_host_minor = 0,
            .name = "\(name)",
            .version = "0.1.0",
            .description = "A new Rivulet plugin",
            .operators = operators,
            .operator_count = 1,
        };

        RV_EXPORT const rv_plugin_descriptor *rivulet_plugin_v1(void) { return &descriptor; }

        """
    }

    /// README.md of a C plugin: build and run from the plugin's folder.
    var cReadme: String {
        """
        # \(name)

        A Rivulet plugin in C. Its operator `\(name)` keeps the records whose string field `field` equals
        `value`. From this folder:

        ```
        rivulet plugins build \(name).c -o lib\(name).so
        rivulet run manifest.yaml
        diff output.csv expected-output.csv
        ```

        The library links only libc; `rivulet plugins inspect ./lib\(name).so` shows what it declares.

        """
    }

    // MARK: Swift

    /// The type name of the Swift target and operator class (`my_filter` → `MyFilter`).
    var swiftTypeName: String {
        name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// Package.swift of a Swift plugin: a dynamic library depending on the SDK package at `sdk`.
    func swiftPackage(sdk: String) -> String {
        """
        // swift-tools-version:6.0
        // \(name): a Rivulet plugin in Swift, depending on the SDK package (RivuletPluginKit) alone.
        import PackageDescription

        let package = Package(
            name: "\(name)",
            products: [.library(name: "\(name)", type: .dynamic, targets: ["\(swiftTypeName)"])],
            dependencies: [.package(path: "\(sdk)")],
            targets: [
                .target(name: "\(swiftTypeName)", dependencies: [.product(name: "RivuletPluginKit", package: "RivuletPluginKit")])
            ]
        )

        """
    }

    /// The operator and the plugin's entry point.
    var swiftSource: String {
        """
        // \(swiftTypeName): the operator '\(name)' keeps the records whose string field `field` equals `value` (config).
        import RivuletPluginKit

        final class \(swiftTypeName): RivuletOperator {
            static let name = "\(name)"
            static let summary = "Keeps the records whose field equals a value"
            static let isStateless = true
            static let configKeys = [
                ConfigKey("field", "the string field compared", required: true),
                ConfigKey("value", "the value a record's field must have to be kept", required: true),
            ]

            let field: Int
            let value: String

            init(context: OperatorContext) throws {
                let config = try context.configuration
                let name: String = try config.required("field")
                guard let index = context.inputField(name) else { throw PluginFailure("\(name): no input field '\\(name)'") }
                field = index
                value = try config.required("value")
            }

            func process(_ batch: Batch, port: Int, context: OperatorContext) throws {
                try context.forward(batch) { record in record.string(field) == value }
            }
        }

        @_cdecl("rivulet_plugin_v1")
        public func rivuletPluginV1() -> UnsafeRawPointer {
            PluginExport.descriptor(name: "\(name)", version: "0.1.0", operators: [\(swiftTypeName).self])
        }

        """
    }

    /// README.md of a Swift plugin.
    var swiftReadme: String {
        """
        # \(name)

        A Rivulet plugin in Swift, built with the toolchain that built `rivulet`. Its operator `\(name)`
        keeps the records whose string field `field` equals `value`. From this folder:

        ```
        swift build
        rivulet run manifest.yaml
        diff output.csv expected-output.csv
        ```

        """
    }
}
