<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttachmentsPanel</name>
    <message>
        <source>Premises</source>
        <translation>经营场所</translation>
    </message>
    <message>
        <source>Signboard</source>
        <translation>门头招牌</translation>
    </message>
    <message>
        <source>Business licence</source>
        <translation>营业执照</translation>
    </message>
    <message>
        <source>Signed authorisation</source>
        <translation>签字授权书</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Attach as</source>
        <translation>附件类别</translation>
    </message>
    <message>
        <source>Caption (optional)</source>
        <translation>说明（可不填）</translation>
    </message>
    <message>
        <source>Attach file…</source>
        <translation>添加附件…</translation>
    </message>
    <message>
        <source>Attach photos or documents</source>
        <translation>添加照片或文件</translation>
    </message>
    <message>
        <source>Photos and PDF documents ({patterns})</source>
        <translation>照片和PDF文件 ({patterns})</translation>
    </message>
    <message>
        <source>{file} was not attached: {reason}</source>
        <translation>{file} 未能添加：{reason}</translation>
    </message>
    <message>
        <source>Remove from this record</source>
        <translation>从本记录中移除</translation>
    </message>
    <message>
        <source>Taken {when}</source>
        <translation>拍摄于 {when}</translation>
    </message>
    <message>
        <source>Place {lat}, {lon}</source>
        <translation>拍摄地点 {lat}, {lon}</translation>
    </message>
    <message>
        <source>{size} KB, SHA-256 {hash}</source>
        <translation>{size} KB，SHA-256 {hash}</translation>
    </message>
    <message>
        <source>Not on this computer yet: it comes with the next sync.</source>
        <translation>尚未下载到本机：下次同步时取回。</translation>
    </message>
    <message>
        <source>Photos and documents ({count})</source>
        <translation>照片和文件（{count}）</translation>
    </message>
    <message>
        <source>Attaching {file}…</source>
        <translation>正在添加 {file}…</translation>
    </message>
    <message>
        <source>Files can be attached once the record is open.</source>
        <translation>打开记录后即可添加附件。</translation>
    </message>
    <message>
        <source>Drop photos (JPEG, PNG, HEIC) or PDF documents here, up to {limit} each.</source>
        <translation>可将照片（JPEG、PNG、HEIC）或PDF文件拖到此处，每个文件最大{limit}。</translation>
    </message>
    <message>
        <source>A finalized record's files never change: amend the record to add one.</source>
        <translation>已定稿记录的附件不能更改；如需补充，请更正该记录。</translation>
    </message>
</context>
</TS>
