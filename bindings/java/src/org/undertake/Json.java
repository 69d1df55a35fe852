package org.undertake;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberPolicy;
import com.google.gson.TypeAdapter;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * JSON in and out (Debian's libgoogle-gson-java: the JDK has no JSON). Objects read as {@code
 * Map<String,Object>} (insertion-ordered), arrays as {@code List<Object>}, whole numbers as {@code
 * Long} and others as {@code Double}; {@link Instant} and {@link LocalDate} values write as
 * ISO-8601 text, records and {@link Actor} as objects.
 */
public final class Json {
  private Json() {}

  private static final Gson GSON =
      new GsonBuilder()
          .disableHtmlEscaping()
          .serializeNulls()
          .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
          .registerTypeAdapter(Instant.class, new IsoAdapter<>(Instant::parse, Text::iso))
          .registerTypeAdapter(
              LocalDate.class, new IsoAdapter<>(LocalDate::parse, LocalDate::toString))
          .create();

  private static final TypeToken<Map<String, Object>> MAP = new TypeToken<>() {};
  private static final TypeToken<List<Object>> LIST = new TypeToken<>() {};

  /** A value (map, list, record, string, number, ...) as JSON text. */
  public static String write(Object value) {
    try {
      return GSON.toJson(value);
    } catch (IllegalArgumentException | JsonParseException e) {
      throw new InvalidJsonException("not representable as JSON: " + e.getMessage());
    }
  }

  /** JSON text as a Java value: Map, List, String, Long, Double, Boolean or null. */
  public static Object read(String text) {
    if (text == null)
      return null;
    try {
      return GSON.fromJson(text, Object.class);
    } catch (JsonParseException e) {
      throw new InvalidJsonException("not JSON: " + e.getMessage());
    }
  }

  /** A JSON object's text as a map. */
  public static Map<String, Object> readObject(String text) {
    if (text == null)
      return null;
    try {
      return GSON.fromJson(text, MAP.getType());
    } catch (JsonParseException e) {
      throw new InvalidJsonException("not a JSON object: " + e.getMessage());
    }
  }

  /** A JSON array's text as a list. */
  public static List<Object> readArray(String text) {
    if (text == null)
      return null;
    try {
      return GSON.fromJson(text, LIST.getType());
    } catch (JsonParseException e) {
      throw new InvalidJsonException("not a JSON array: " + e.getMessage());
    }
  }

  /**
   * A value given by the host as JSON text for the library: a String is taken as JSON text as it
   * is, anything else is written; null stays null.
   */
  static byte[] utf8z(Object value, String what) {
    if (value == null)
      return null;
    String text = value instanceof String ? (String) value : write(value);
    return Text.utf8z(text, what);
  }

  private static final class IsoAdapter<T> extends TypeAdapter<T> {
    private final java.util.function.Function<String, T> parse;
    private final java.util.function.Function<T, String> format;

    IsoAdapter(java.util.function.Function<String, T> parse,
        java.util.function.Function<T, String> format) {
      this.parse = parse;
      this.format = format;
    }

    @Override
    public void write(JsonWriter out, T value) throws IOException {
      if (value == null)
        out.nullValue();
      else
        out.value(format.apply(value));
    }

    @Override
    public T read(JsonReader in) throws IOException {
      return parse.apply(in.nextString());
    }
  }
}
