package io.ecrflow.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ecrflow.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A platform-images file as written ({@code --images-file}): settings shared by every image under
 * {@code defaults}, and the {@code images}, each with an {@code id} and its own settings. A setting's key is a
 * task input's name and its value that input's text (a list becomes one item a line, a mapping
 * {@code name=value} lines), kept with the line it is on so that an error can point at it. What the keys mean
 * is the command's business ({@link ImageEntryInputs}), not the file's.
 */
record ImagesFile(String name, Map<String, Setting> defaults, List<Entry> images) {
    static final String INPUT = "imagesFile";
    /** An id names each image's outputs ({@code <id>_updated}), so it must be a variable name Azure Pipelines takes. */
    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    /** Variable name prefixes Azure Pipelines keeps for itself. */
    private static final List<String> RESERVED = List.of("endpoint", "input", "secret", "path", "securefile");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A value as the input's text, and the line of its key. */
    record Setting(String text, int line) {
    }

    /** One image: its id, the line the entry starts on, and its settings but the id. */
    record Entry(String id, int line, Map<String, Setting> settings) {
    }

    /** The images of these ids, in the file's order; all of them without ids. */
    List<Entry> chosen(List<String> ids) {
        if (ids.isEmpty()) {
            return images;
        }
        List<String> known = images.stream().map(Entry::id).toList();
        for (String id : ids) {
            if (known.stream().noneMatch(id::equalsIgnoreCase)) {
                throw new UserError("imageIds names '" + id + "', which is no image of " + name + "; its images are "
                        + String.join(", ", known) + ".", "imageIds");
            }
        }
        return images.stream().filter(image -> ids.stream().anyMatch(image.id()::equalsIgnoreCase)).toList();
    }

    /** @param name the file as the user named it, for messages */
    static ImagesFile read(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("The images file " + name + " does not exist (looked for " + file + ").", INPUT);
        }
        try (JsonParser parser = YAML.createParser(file.toFile())) {
            return new Reader(parser, name).file();
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new UserError(name + (at == null ? "" : " line " + at.getLineNr()) + " is not valid YAML: "
                    + e.getOriginalMessage(), INPUT);
        } catch (IOException e) {
            throw new UserError("Could not read the images file " + name + ": " + e.getMessage(), INPUT, e);
        }
    }

    /** Reads the file token by token, which is how the line of every key is known. */
    private record Reader(JsonParser parser, String name) {

        ImagesFile file() throws IOException {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw error(line(), "the file must be a mapping with 'images' (a list of images) and, if any, 'defaults'");
            }
            Map<String, Setting> defaults = Map.of();
            List<Entry> images = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                int line = line();
                parser.nextToken();
                switch (key) {
                    case "defaults" -> defaults = settings("defaults", line);
                    case "images" -> images = images(line);
                    default -> throw error(line, "unknown key '" + key + "' at the top; the file has 'defaults' and 'images'");
                }
            }
            if (images == null || images.isEmpty()) {
                throw error(1, "no images: list them under 'images', each with an id, e.g. "
                        + "'images: [{id: net6_runtime, repository: platform/net6-runtime}]'");
            }
            return new ImagesFile(name, defaults, List.copyOf(images));
        }

        private List<Entry> images(int line) throws IOException {
            if (parser.currentToken() != JsonToken.START_ARRAY) {
                throw error(line, "'images' must be a list of images ('- id: ...')");
            }
            List<Entry> images = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                int start = line();
                Map<String, Setting> settings = new LinkedHashMap<>(settings("image " + (images.size() + 1), start));
                Setting id = settings.remove("id");
                if (id == null || id.text().isBlank()) {
                    throw error(start, "image " + (images.size() + 1) + " has no id; give each image an id such as "
                            + "net6_runtime (it names the image's outputs, e.g. net6_runtime_updated)");
                }
                checkId(id);
                if (!ids.add(id.text().toLowerCase(Locale.ROOT))) {
                    throw error(id.line(), "two images have the id '" + id.text() + "' (ids are told apart without regard "
                            + "to case, as the agent's variables are); give each image its own");
                }
                images.add(new Entry(id.text(), start, Map.copyOf(settings)));
            }
            return images;
        }

        private void checkId(Setting id) {
            String text = id.text();
            if (!ID.matcher(text).matches()) {
                throw error(id.line(), "id '" + text + "' cannot name output variables: use letters, digits and _, "
                        + "starting with a letter, at most 64 characters (e.g. net6_runtime)");
            }
            String lower = text.toLowerCase(Locale.ROOT);
            RESERVED.stream().filter(lower::startsWith).findFirst().ifPresent(prefix -> {
                throw error(id.line(), "id '" + text + "' starts with '" + prefix + "', which Azure Pipelines keeps for "
                        + "its own variables (" + String.join(", ", RESERVED) + "); choose another id");
            });
        }

        /** A mapping of settings, the parser on its start; {@code what} names it in messages. */
        private Map<String, Setting> settings(String what, int line) throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw error(line, what + " must be a mapping of settings (key: value)");
            }
            Map<String, Setting> settings = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                int keyLine = line();
                parser.nextToken();
                JsonNode value = parser.readValueAsTree();
                if (settings.containsKey(key)) {
                    throw error(keyLine, what + " sets '" + key + "' twice");
                }
                settings.put(key, new Setting(text(value, key, keyLine), keyLine));
            }
            return settings;
        }

        /** The input's text: a value as it is, a list one item a line, a mapping name=value lines. */
        private String text(JsonNode value, String key, int line) {
            if (value == null || value.isNull() || value.isMissingNode()) {
                return "";
            }
            if (value.isValueNode()) {
                return value.asText();
            }
            List<String> lines = new ArrayList<>();
            if (value.isArray()) {
                value.forEach(item -> lines.add(scalar(item, key, line)));
            } else {
                value.fields().forEachRemaining(field -> lines.add(field.getKey() + "=" + scalar(field.getValue(), key, line)));
            }
            return String.join("\n", lines);
        }

        private String scalar(JsonNode item, String key, int line) {
            if (!item.isValueNode() && !item.isNull()) {
                throw error(line, "'" + key + "' holds a nested list or mapping; give a value, a list of values or a "
                        + "mapping of names to values");
            }
            return item.isNull() ? "" : item.asText();
        }

        private int line() {
            return parser.currentTokenLocation().getLineNr();
        }

        private UserError error(int line, String what) {
            return new UserError(name + " line " + line + ": " + what + ".", INPUT);
        }
    }
}
