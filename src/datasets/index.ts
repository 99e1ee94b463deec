export { DatasetDoc, DatasetStatus, ChunkDoc, ExportApi, QuerySource, chunkId, type Chunk, type ChunkValue } from './model.js';
export { writeChunk, readChunk, readChunkDoc, datasetChunks, deleteChunks } from './chunk-store.js';
export {
  getDataset, findDataset, listDatasets, deleteDataset, updateDataset, insertDataset, newDatasetId, type DatasetPage,
} from './dataset-store.js';
export { receiveUpload } from './upload.js';
export { parseDataset, type ParseOutcome } from './parse.js';
export { reparseDataset, exportJobId } from './parse-job.js';
export { cleanUpChunks, failedState, readyState, writeEndState } from './run-end.js';
export { followable, followParse } from './followers.js';
export { ParseOptions, parseOptionsFrom } from './parse-options.js';
export { chunkOfRow, readRows, readIssues, type RowsPage, type IssuesPage } from './preview.js';
export { progressChannel, subscribeProgress, publishProgress, isFinal, ParseProgress } from './progress.js';
export { CHUNK_BYTES, CHUNK_ROWS, ChunkSink, isFullChunk } from './chunk-sink.js';
export { formatBytes } from './bytes.js';
export { CsvPages, Batcher, type RowBatch } from './readers/index.js';
export { DatasetProfiler } from './profile/index.js';
export { DOWNLOAD_FORMATS, downloadOf, writeDownload, type DownloadFormat } from './download/index.js';
export { sweepDatasets, startDatasetSweeper, judgeParse, SWEEP_EVERY_MS, type SweepReport } from './sweeper.js';
