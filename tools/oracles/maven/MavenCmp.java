// Orders version pairs with Maven's ComparableVersion, for Palisade's
// differential tests: reads "A<TAB>B" lines, writes -1, 0 or 1.
// Compile against Debian's maven-artifact jar:
//   javac -cp /usr/share/maven/lib/maven-artifact-3.x.jar MavenCmp.java
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class MavenCmp {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            int tab = line.indexOf('\t');
            int c = new ComparableVersion(line.substring(0, tab)).compareTo(new ComparableVersion(line.substring(tab + 1)));
            out.println(c < 0 ? -1 : c > 0 ? 1 : 0);
        }
        out.flush();
    }
}
