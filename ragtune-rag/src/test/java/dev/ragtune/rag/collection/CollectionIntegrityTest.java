package dev.ragtune.rag.collection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.testsupport.HashingEmbedder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checksums on every file, verification on open and by {@link CollectionCheck}, and the index repair. */
class CollectionIntegrityTest {
    static final List<String> FILES = List.of("peft-quicktour.md", "hf-course-pt-chapter1-5.mdx", "hf-course-pt-chapter2-1.mdx");
    static final List<String> QUERIES = List.of("LoRA adapter rank", "modelo pré-treinado", "tokenizer padding",
            "trainer fine-tune", "transformers pipeline");
    @TempDir Path tmp;
    Path dir;
    Path docs;
    final HashingEmbedder embedder = new HashingEmbedder();

    @BeforeEach
    void setUp() throws Exception {
        dir = tmp.resolve("col");
        docs = Files.createDirectories(tmp.resolve("docs"));
        for (String f : FILES) {
            Files.copy(Path.of(getClass().getResource("/docs/" + f).toURI()), docs.resolve(f));
        }
    }

    static CollectionSettings index(String kind) {
        return new CollectionSettings(new Manifest.IndexInfo(kind, Map.of()), true, null, "auto");
    }

    void ingest(String kind, Path... paths) {
        try (CollectionWriter w = CollectionWriter.open(dir, embedder, index(kind))) {
            new Ingestion(w, embedder, null).run(List.of(paths));
            w.commit();
        }
    }

    void repair() {
        try (CollectionWriter w = CollectionWriter.openForRepair(dir, embedder, index("flat").withoutIndexChoice())) {
            w.commit();
        }
    }

    /** Every mode's top 5 for every query: what a user would see. */
    List<String> answers() {
        List<String> out = new ArrayList<>();
        try (Collection c = Collection.open(dir)) {
            for (String q : QUERIES) {
                for (RetrievalMode mode : RetrievalMode.values()) {
                    for (Hit h : c.search(q, mode, 5, 20, SearchParams.DEFAULTS, embedder).hits()) {
                        out.add(mode + " " + q + " " + h.chunk().id() + " " + h.score());
                    }
                }
            }
        }
        return out;
    }

    static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x5a);
        }
    }

    Path onlyFile(String glob) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> found = s.filter(p -> dir.getFileSystem().getPathMatcher("glob:" + glob)
                    .matches(dir.relativize(p))).toList();
            assertThat(found).as(glob).hasSize(1);
            return found.get(0);
        }
    }

    @Test
    void everyFileOfTheGenerationIsListedInTheManifestWithItsSizeAndCrc32c() throws IOException {
        ingest("flat", docs);
        Manifest m;
        try (Collection c = Collection.open(dir)) {
            m = c.manifest();
        }
        assertThat(m.format()).isEqualTo(2);
        List<String> onDisk = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(n -> n.matches("(chunks|vectors|sources)\\.1\\..*|(dense|bm25)\\.1/.*"))
                    .filter(n -> !n.endsWith("write.lock"))
                    .forEach(onDisk::add);
        }
        assertThat(m.files().keySet()).containsExactlyInAnyOrderElementsOf(onDisk);
        for (var e : m.files().entrySet()) {
            byte[] bytes = Files.readAllBytes(dir.resolve(e.getKey()));
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            assertThat(e.getValue().bytes()).as(e.getKey()).isEqualTo(bytes.length);
            assertThat(e.getValue().crc32c()).as(e.getKey()).isEqualTo(String.format("%08x", crc.getValue()));
        }
        assertThat(CollectionCheck.run(dir, true, 50).problems()).isEmpty();
    }

    @Test
    void aFlippedByteInTheDenseIndexIsRefusedOnOpenAndTheRepairRestoresTheSameAnswers() throws IOException {
        ingest("flat", docs);
        List<String> before = answers();
        Path vectors = onlyFile("dense.1/flat-vectors-*");
        flipByte(vectors, Files.size(vectors) / 2);
        assertThatThrownBy(() -> Collection.open(dir)).isInstanceOf(CollectionException.class)
                .hasMessageContaining(vectors.toString()).hasMessageContaining("damaged")
                .hasMessageContaining("ragtune ingest --collection " + dir + " --reindex");
        assertThat(CollectionCheck.run(dir, false, 50).problems()).singleElement().asString().contains(vectors.toString());
        assertThatThrownBy(() -> CollectionWriter.open(dir, embedder, index("flat").withoutIndexChoice()))
                .isInstanceOf(CollectionException.class).hasMessageContaining("--reindex");
        repair();
        assertThat(answers()).isEqualTo(before);
        assertThat(CollectionCheck.run(dir, true, 50).ok()).isTrue();
    }

    @Test
    void aFlippedByteInALuceneFileIsFoundByTheDeepCheckAndRepaired() throws IOException {
        ingest("hnsw", docs);
        List<String> before = answers();
        Path vec = onlyFile("dense.1/*.cfs");
        flipByte(vec, Files.size(vec) / 3);
        CollectionCheck.Report deep = CollectionCheck.run(dir, true, 50);
        assertThat(deep.problems()).anySatisfy(p -> assertThat(p).contains(vec.toString()).contains("--reindex"));
        repair();
        assertThat(answers()).isEqualTo(before);
    }

    @Test
    void aDamagedHnswVectorIsCaughtBySearchEvenWithoutACheck() throws IOException {
        ingest("hnsw", docs);
        // inside Lucene's compound file (which opening does not read whole), chunk A's vector is overwritten with
        // chunk B's: the index would rank A first for B's text, with a score A's stored vector contradicts
        byte[] stored = Files.readAllBytes(dir.resolve("vectors.1.f32"));
        int bytes = embedder.dimension() * Float.BYTES;
        byte[] a = java.util.Arrays.copyOfRange(stored, 12, 12 + bytes);
        byte[] b = java.util.Arrays.copyOfRange(stored, 12 + 5 * bytes, 12 + 6 * bytes);
        Path cfs = onlyFile("dense.1/*.cfs");
        byte[] index = Files.readAllBytes(cfs);
        int at = indexOf(index, a);
        assertThat(at).as("chunk A's vector is stored verbatim in the compound file").isNotNegative();
        System.arraycopy(b, 0, index, at, bytes);
        Files.write(cfs, index);
        String textOfB;
        try (Collection c = Collection.open(dir)) {
            textOfB = c.chunks().get(5).chunk().text();
            assertThatThrownBy(() -> c.search(textOfB, RetrievalMode.DENSE, 5, 20, SearchParams.DEFAULTS, embedder))
                    .isInstanceOf(CollectionException.class).hasMessageContaining("dense index")
                    .hasMessageContaining("damaged").hasMessageContaining("--reindex");
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    @Test
    void aHandEditedManifestCountIsNotBelieved() throws IOException {
        ingest("flat", docs);
        Path manifest = dir.resolve("manifest.json");
        ObjectNode m = (ObjectNode) Collection.JSON.readTree(manifest.toFile());
        int chunks = m.get("chunks").asInt();
        m.put("chunks", chunks + 7);
        Collection.JSON.writeValue(manifest.toFile(), m);
        assertThatThrownBy(() -> Collection.open(dir)).isInstanceOf(CollectionException.class)
                .hasMessageContaining(manifest.toString()).hasMessageContaining("edited by hand")
                .hasMessageContaining("--reindex");
        assertThat(CollectionCheck.run(dir, false, 20).problems()).singleElement().asString().contains("edited by hand");
        repair();
        try (Collection c = Collection.open(dir)) {
            assertThat(c.manifest().chunks()).isEqualTo(chunks).isEqualTo(c.size());
        }
    }

    @Test
    void aDeletedBm25FolderIsNotRecreatedByAReadAndIsRebuiltByTheRepair() throws IOException {
        ingest("flat", docs);
        List<String> before = answers();
        Path bm25 = dir.resolve("bm25.1");
        Layout.deleteRecursively(bm25);
        assertThatThrownBy(() -> Collection.open(dir)).isInstanceOf(CollectionException.class)
                .hasMessageContaining(bm25.toString()).hasMessageContaining("--reindex");
        assertThat(CollectionCheck.run(dir, true, 20).ok()).isFalse();
        assertThat(bm25).doesNotExist();
        repair();
        assertThat(answers()).isEqualTo(before);
    }

    @Test
    void aDeletedDenseFolderIsRebuiltByTheRepair() throws IOException {
        ingest("ivf", docs);
        List<String> before = answers();
        Layout.deleteRecursively(dir.resolve("dense.1"));
        assertThatThrownBy(() -> Collection.open(dir)).isInstanceOf(CollectionException.class)
                .hasMessageContaining("dense.1").hasMessageContaining("--reindex");
        repair();
        assertThat(answers()).isEqualTo(before);
        try (Collection c = Collection.open(dir)) {
            assertThat(c.manifest().index().kind()).isEqualTo("ivf");
        }
    }

    @Test
    void damagedChunksCannotBeRepairedFromTheCollectionAndTheCheckListsTheFilesToReingest() throws IOException {
        ingest("flat", docs);
        Path chunks = dir.resolve("chunks.1.jsonl");
        String text = Files.readString(chunks);
        Files.writeString(chunks, text.replaceFirst("LoRA", "LoRB"));
        assertThatThrownBy(() -> Collection.open(dir)).isInstanceOf(CollectionException.class)
                .hasMessageContaining(chunks.toString()).hasMessageContaining("re-ingest");
        assertThatThrownBy(this::repair).isInstanceOf(CollectionException.class).hasMessageContaining(chunks.toString());
        CollectionCheck.Report r = CollectionCheck.run(dir, false, 20);
        assertThat(r.reingest()).containsExactlyInAnyOrderElementsOf(
                FILES.stream().map(f -> docs.resolve(f).toAbsolutePath().normalize().toString()).toList());
    }

    @Test
    void aTruncatedFileOfEachKindIsCaughtOnOpen() throws IOException {
        ingest("flat", docs);
        Manifest m;
        try (Collection c = Collection.open(dir)) {
            m = c.manifest();
        }
        Path copy = tmp.resolve("pristine");
        copyTree(dir, copy);
        for (String name : m.files().keySet()) {
            Path file = dir.resolve(name);
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(f.length() / 2);
            }
            assertThatThrownBy(() -> Collection.open(dir)).as(name).isInstanceOf(CollectionException.class)
                    .hasMessageContaining(file.toString());
            Files.copy(copy.resolve(name), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    @Test
    void aFormat1CollectionStaysReadableAndTheRepairUpgradesIt() throws IOException {
        ingest("flat", docs);
        List<String> before = answers();
        Path manifest = dir.resolve("manifest.json");
        ObjectNode m = (ObjectNode) Collection.JSON.readTree(manifest.toFile());
        m.remove("files");
        m.remove("checksum");
        m.put("format", 1);
        Collection.JSON.writeValue(manifest.toFile(), m);
        assertThat(answers()).isEqualTo(before);
        CollectionCheck.Report r = CollectionCheck.run(dir, true, 20);
        assertThat(r.ok()).isTrue();
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("no checksums").contains("--reindex"));
        repair();
        try (Collection c = Collection.open(dir)) {
            assertThat(c.manifest().format()).isEqualTo(2);
            assertThat(c.manifest().files()).isNotEmpty();
        }
        assertThat(answers()).isEqualTo(before);
    }

    @Test
    void aFutureFormatIsRefusedWithWhatToDo() throws IOException {
        ingest("flat", docs);
        Path manifest = dir.resolve("manifest.json");
        ObjectNode m = (ObjectNode) Collection.JSON.readTree(manifest.toFile());
        m.put("format", 9);
        Collection.JSON.writeValue(manifest.toFile(), m);
        assertThatThrownBy(() -> Collection.open(dir)).isInstanceOf(CollectionException.class)
                .hasMessageContaining("format 9").hasMessageContaining("use the ragtune that wrote it");
    }

    @Test
    void tempFilesAndStagedGenerationsOfADeadWriterAreRemovedAtTheNextWritersStart() throws IOException {
        ingest("flat", docs.resolve(FILES.get(0)));
        Path tmpFile = Files.write(dir.resolve(".chunks.2.jsonl.123456.tmp"), new byte[4096]);
        Path staged = Files.writeString(dir.resolve("vectors.2.f32"), "half written");
        Path stagedIndex = Files.createDirectories(dir.resolve("bm25.2"));
        try (CollectionWriter w = CollectionWriter.open(dir, embedder, index("flat").withoutIndexChoice())) {
            assertThat(tmpFile).doesNotExist();
            assertThat(staged).doesNotExist();
            assertThat(w.manifest().generation()).isEqualTo(1);
        }
        assertThat(stagedIndex).doesNotExist();
        try (Collection c = Collection.open(dir)) {
            assertThat(c.sources()).hasSize(1);
        }
    }
}
