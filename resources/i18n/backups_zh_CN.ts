<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Backups</name>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="67" />
        <source>backup</source>
        <translation>备份</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="68" />
        <source>kept before a restore</source>
        <translation>恢复前保留的账本</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="69" />
        <source>damaged book kept as it was</source>
        <translation>按原样保留的损坏账本</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="71" />
        <source>{size} MB</source>
        <translation>{size} MB</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="78" />
        <source>&amp;Back up now</source>
        <translation>立即备份(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="80" />
        <source>Copy the book into the backups folder now</source>
        <translation>现在把账本复制到备份文件夹</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="81" />
        <source>&amp;Restore from backup…</source>
        <translation>从备份恢复(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="84" />
        <source>Put a backup in place of the book (the book is kept as a backup)</source>
        <translation>用备份替换当前账本（当前账本会另存为备份）</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="106" />
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="109" />
        <source>Backed up to {path}</source>
        <translation>已备份到 {path}</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="136" />
        <source>Restore from backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="142" />
        <source>Choose the backup to put in place of this book. The book as it is now is kept as a backup first, and the app starts again on the restored book. Changes made since the backup and not yet synced are in the kept copy only.</source>
        <translation>请选择用来替换本账本的备份。当前账本会先另存为备份，随后程序在恢复后的账本上重新启动。备份之后所做且尚未同步的更改只保存在另存的副本中。</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="159" />
        <source>There are no backups of this book yet in {folder}. Use File ▸ Back up now, or choose a backup file.</source>
        <translation>{folder} 中还没有本账本的备份。请使用“文件 ▸ 立即备份”，或选择一个备份文件。</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="170" />
        <source>Choose another file…</source>
        <translation>选择其他文件…</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="177" />
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="191" />
        <source>Choose a backup</source>
        <translation>选择备份</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="193" />
        <source>FirstLoan CRM books (*.db);;All files (*)</source>
        <translation>首贷通账本 (*.db);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="229" />
        <source>Replace the book with {file}?

The book as it is now is kept as a backup, and FirstLoan CRM starts again.</source>
        <translation>用 {file} 替换当前账本？

当前账本会另存为备份，随后首贷通重新启动。</translation>
    </message>
    <message>
        <location filename="../../crm/ui/backups/hook.py" line="269" />
        <source>The latest backup of this book is from {when}. Restore it? The book as it is now is kept unchanged in the backups folder.</source>
        <translation>本账本最近的备份是 {when} 的。要恢复它吗？当前账本会原样保留在备份文件夹中。</translation>
    </message>
</context>
</TS>