import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.flink.table.runtime.functions.SqlFunctionUtils;

/**
 * Answers, for each stdin line "base64(pattern) base64(subject)", what Flink's REGEXP(subject, pattern) returns,
 * by calling the runtime function itself: "1" or "0", or "E <reason>" when Java cannot compile the pattern (Flink
 * would then log the error and match nothing).
 */
public class RegexFind {
  public static void main(String[] args) throws Exception {
    Base64.Decoder base64 = Base64.getDecoder();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    for (String line; (line = in.readLine()) != null; ) {
      String[] parts = line.split(" ", -1);
      String pattern = new String(base64.decode(parts[0]), StandardCharsets.UTF_8);
      String subject = new String(base64.decode(parts[1]), StandardCharsets.UTF_8);
      try {
        Pattern.compile(pattern);
        out.append(SqlFunctionUtils.regExp(subject, pattern) ? "1" : "0");
      } catch (PatternSyntaxException e) {
        out.append("E ").append(e.getDescription());
      }
      out.append('\n');
    }
    System.out.write(out.toString().getBytes(StandardCharsets.UTF_8));
    System.out.flush();
  }
}
