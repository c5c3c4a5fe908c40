package dev.ragtune.solr;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.client.solrj.response.ConfigSetAdminResponse;
import org.apache.solr.common.util.ContentStreamBase;

/**
 * ragtune's Solr configset (the resources {@code configset/schema.xml} and {@code solrconfig.xml} beside this class),
 * one per vector dimension since the dense field's dimension is part of the schema: {@code ragtune-v1-d384}.
 */
final class SolrConfigSet {
    static final String VERSION = "v1";
    private static final List<String> FILES = List.of("schema.xml", "solrconfig.xml");

    private SolrConfigSet() {}

    static String name(int dimension) {
        return "ragtune-" + VERSION + "-d" + dimension;
    }

    /** The configset's files, zipped, with the vector field of {@code dimension}. */
    static byte[] zip(int dimension) {
        if (dimension < 1) throw new IllegalArgumentException("dimension must be >= 1, was " + dimension);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String f : FILES) {
                zip.putNextEntry(new ZipEntry(f));
                zip.write(file(f, dimension).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** One file of the configset with its placeholders filled in. */
    static String file(String name, int dimension) {
        try (InputStream in = SolrConfigSet.class.getResourceAsStream("configset/" + name)) {
            if (in == null) throw new IllegalStateException("resource configset/" + name + " is missing from ragtune-solr");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@DIMENSION@", Integer.toString(dimension));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Uploads the configset for {@code dimension} unless the cluster has it; returns its name. */
    static String ensure(SolrClient client, int dimension) throws SolrServerException, IOException {
        String name = name(dimension);
        ConfigSetAdminResponse.List list = new ConfigSetAdminRequest.List().process(client);
        if (list.getConfigSets().contains(name)) return name;
        ConfigSetAdminRequest.Upload upload = new ConfigSetAdminRequest.Upload();
        upload.setConfigSetName(name);
        upload.setUploadStream(new ContentStreamBase.ByteArrayStream(zip(dimension), name + ".zip", "application/octet-stream"));
        upload.process(client);
        return name;
    }
}
